import { ALERT_RULE_INFO, ALERT_RULE_KINDS, type TAlertRuleKind } from "@bridle/contracts";
import { Badge, Button, Group, Paper, Select, Stack, Table, Text } from "@mantine/core";
import { getRouteApi, useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import { AnchorLink, ButtonLink } from "../../../components/links.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { formatDateTime } from "../../../lib/format.ts";
import { RequirePermission } from "../../auth/permissions.tsx";
import { AlertStatusBadge } from "../components/AlertStatusBadge.tsx";
import { useAlerts } from "../queries.ts";
import type { AlertsSearch } from "../search.ts";

const route = getRouteApi("/alerts");

const STATUS_OPTIONS = [
  { value: "active", label: "Active (not resolved)" },
  { value: "open", label: "Open" },
  { value: "acknowledged", label: "Acknowledged" },
  { value: "snoozed", label: "Snoozed" },
  { value: "resolved", label: "Resolved" },
  { value: "all", label: "All" },
];

function AlertsList() {
  const search = route.useSearch();
  const navigate = useNavigate({ from: "/alerts" });
  const status = search.status ?? "active";
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const list = useAlerts({ status: status === "all" ? undefined : status, rule: search.rule, botId: search.bot, limit: 50, cursor });
  const setFilter = (patch: Partial<AlertsSearch>) => {
    setCursors([]);
    void navigate({ search: (prev) => ({ ...prev, ...patch }) });
  };

  const body = () => {
    if (list.isPending) return <LoadingBlock label="Loading alerts" />;
    if (list.isError) return <ErrorBlock title="Could not load alerts" error={list.error} onRetry={() => void list.refetch()} />;
    if (list.data.items.length === 0)
      return <EmptyBlock title={status === "active" ? "No active alerts" : "No alerts match"} description="Bridle checks the audit log every minute against the alert rules." />;
    return (
      <Stack gap="sm">
        <Table.ScrollContainer minWidth={900}>
          <Table aria-label="Alerts" verticalSpacing="xs" withTableBorder>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Alert</Table.Th>
                <Table.Th>Rule</Table.Th>
                <Table.Th>Subject</Table.Th>
                <Table.Th>Seen</Table.Th>
                <Table.Th>Last seen</Table.Th>
                <Table.Th>Status</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.items.map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td maw={420}>
                    <AnchorLink to="/alerts/$alertId" params={{ alertId: a.id }} size="sm">
                      {a.title}
                    </AnchorLink>
                    {a.botPaused && (
                      <Badge ml="xs" color="red" variant="outline" size="xs">
                        Bot paused
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{a.ruleLabel}</Text>
                  </Table.Td>
                  <Table.Td>
                    {a.botId ? (
                      <AnchorLink to="/bots/$botId" params={{ botId: a.botId }} size="sm">
                        {a.subject.type === "bot" ? a.subject.label : `${a.subject.label} (skill)`}
                      </AnchorLink>
                    ) : (
                      <Text size="sm">
                        {a.subject.label} ({a.subject.type})
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{a.count}×</Table.Td>
                  <Table.Td>{formatDateTime(a.lastSeenAt)}</Table.Td>
                  <Table.Td>
                    <AlertStatusBadge status={a.status} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        <Group justify="flex-end" gap="xs">
          <Button variant="default" size="xs" disabled={cursors.length === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
            Newer
          </Button>
          <Button variant="default" size="xs" disabled={!list.data.nextCursor} onClick={() => setCursors((c) => [...c, list.data.nextCursor!])}>
            Older
          </Button>
        </Group>
      </Stack>
    );
  };

  return (
    <Stack gap="md">
      <Group gap="sm" align="flex-end">
        <Select label="Status" data={STATUS_OPTIONS} value={status} allowDeselect={false} onChange={(v) => setFilter({ status: (v ?? "active") as AlertsSearch["status"] })} w={220} />
        <Select
          label="Rule"
          placeholder="Every rule"
          clearable
          data={ALERT_RULE_KINDS.map((k) => ({ value: k, label: ALERT_RULE_INFO[k].label }))}
          value={search.rule ?? null}
          onChange={(v) => setFilter({ rule: (v ?? undefined) as TAlertRuleKind | undefined })}
          w={340}
        />
        {search.bot && (
          <Button variant="subtle" size="xs" onClick={() => setFilter({ bot: undefined })}>
            Show every bot
          </Button>
        )}
      </Group>
      <Paper withBorder radius="md" p="md">
        {body()}
      </Paper>
    </Stack>
  );
}

/** Alerts raised by the rules, most recently seen first; filters live in the URL. */
export function AlertsPage() {
  return (
    <>
      <PageHeader
        title="Alerts"
        description="What the alert rules found in the audit log: call-rate spikes, failing skills, hammered sensitive systems, denied bursts, enforcement gaps, budgets, and new tool-call shapes to review."
        actions={
          <ButtonLink to="/alerts/rules" variant="default" size="sm">
            Rules
          </ButtonLink>
        }
      />
      <RequirePermission permission="alerts.read">
        <AlertsList />
      </RequirePermission>
    </>
  );
}
