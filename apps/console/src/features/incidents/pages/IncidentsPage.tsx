import { Group, Paper, SegmentedControl, Table, Text } from "@mantine/core";
import { useState } from "react";
import { AnchorLink, ButtonLink } from "../../../components/links.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { formatDateTime } from "../../../lib/format.ts";
import { useCan } from "../../auth/permissions.tsx";
import { DrillBadge, PhaseBadge, SeverityBadge } from "../components/badges.tsx";
import { useIncidents, type IncidentFilter } from "../queries.ts";

type Show = "open" | "closed" | "all";
const FILTER: Record<Show, IncidentFilter> = { open: { open: "true" }, closed: { open: "false" }, all: {} };

/** Incidents and drills, newest first: open ones by default; security declares new ones here. */
export function IncidentsPage() {
  const can = useCan();
  const [show, setShow] = useState<Show>("open");
  const incidents = useIncidents(FILTER[show]);
  return (
    <>
      <PageHeader
        title="Incidents"
        description="Each incident follows the response windows: stop the bleeding within 15 minutes, classify it within the hour, fix and prove it within 24 hours, then make it stick. Its blast radius is computed from the inventory and the audit log."
        actions={
          can("incidents.manage") ? (
            <ButtonLink to="/incidents/new" search={{}}>
              Declare incident
            </ButtonLink>
          ) : undefined
        }
      />
      <Group mb="md">
        <SegmentedControl
          aria-label="Show"
          value={show}
          onChange={(v) => setShow(v as Show)}
          data={[
            { value: "open", label: "Open" },
            { value: "closed", label: "Closed" },
            { value: "all", label: "All" },
          ]}
        />
      </Group>
      {incidents.isPending ? (
        <LoadingBlock label="Loading incidents" />
      ) : incidents.isError ? (
        <ErrorBlock error={incidents.error} onRetry={() => void incidents.refetch()} />
      ) : incidents.data.length === 0 ? (
        <EmptyBlock
          title={show === "open" ? "No open incidents" : "No incidents"}
          description="When something goes wrong (an alert, a leaked credential, a bot acting out of bounds), declare an incident here, or run a drill to rehearse the response."
          action={
            can("incidents.manage") ? (
              <ButtonLink to="/incidents/new" search={{ drill: "true" }} variant="default">
                Run a drill
              </ButtonLink>
            ) : undefined
          }
        />
      ) : (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={720}>
            <Table aria-label="Incidents" verticalSpacing="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Incident</Table.Th>
                  <Table.Th>Severity</Table.Th>
                  <Table.Th>Phase</Table.Th>
                  <Table.Th>Detected</Table.Th>
                  <Table.Th>Bots</Table.Th>
                  <Table.Th>Declared by</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {incidents.data.map((i) => (
                  <Table.Tr key={i.id}>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <AnchorLink to="/incidents/$incidentId" params={{ incidentId: i.id }} fw={600} size="sm">
                          {i.title}
                        </AnchorLink>
                        {i.isDrill && <DrillBadge />}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <SeverityBadge severity={i.severity} />
                    </Table.Td>
                    <Table.Td>
                      <PhaseBadge phase={i.phase} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{formatDateTime(i.detectedAt)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{i.botCount ? `${i.bots.map((b) => b.name).join(", ")}${i.botCount > i.bots.length ? ` and ${i.botCount - i.bots.length} more` : ""}` : "—"}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{i.declaredBy.label ?? "Bridle"}</Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
    </>
  );
}
