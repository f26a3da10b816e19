import type { TOffboardingCaseSummary } from "@bridle/contracts";
import { Badge, Group, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { AnchorLink } from "../../../components/links.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { formatDateTime } from "../../../lib/format.ts";
import { useCan } from "../../auth/permissions.tsx";
import { OrphanCard } from "../components/OrphanCard.tsx";
import { PlanActions } from "../components/PlanActions.tsx";
import { useChoosePlanForPerson, useOffboardingCases } from "../queries.ts";

export function planLabel(c: TOffboardingCaseSummary): string {
  if (c.status === "closed") return c.outcome === "transferred" ? "Transferred" : c.outcome === "offboarded" ? "Offboarded" : "Cancelled";
  if (c.plan === "transfer") return `Offered to ${c.transferTo?.displayName ?? "someone"}`;
  if (c.plan === "offboard") return "Offboarding";
  return "Waiting for IT";
}

function PersonGroup({ personId, name, email, cases, mayManage }: { personId: string | null; name: string; email: string | null; cases: TOffboardingCaseSummary[]; mayManage: boolean }) {
  const bulk = useChoosePlanForPerson(personId ?? "");
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label={`Cases of ${name}`}>
      <Group justify="space-between" mb="sm" align="flex-start">
        <div>
          <Title order={2} fz="h4">
            {personId ? (
              <AnchorLink to="/people/$personId" params={{ personId }}>
                {name}
              </AnchorLink>
            ) : (
              name
            )}
          </Title>
          {email && (
            <Text size="sm" c="dimmed">
              {email}
            </Text>
          )}
        </div>
        {mayManage && personId && <PlanActions cases={cases} mutation={bulk} bulk />}
      </Group>
      <Table.ScrollContainer minWidth={640}>
        <Table aria-label={`Open cases of ${name}`} verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Bot</Table.Th>
              <Table.Th>Proposed owner</Table.Th>
              <Table.Th>Plan</Table.Th>
              <Table.Th>Steps</Table.Th>
              <Table.Th>Paused by the orphan job on</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {cases.map((c) => (
              <Table.Tr key={c.id}>
                <Table.Td>
                  <AnchorLink to="/offboarding/$caseId" params={{ caseId: c.id }} fw={600} size="sm">
                    {c.bot}
                  </AnchorLink>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{c.proposedOwner?.displayName ?? "—"}</Text>
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" color={c.plan === "offboard" ? "red" : c.plan === "transfer" ? "blue" : "gray"}>
                    {planLabel(c)}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{c.stepsTotal ? `${c.stepsDone} of ${c.stepsTotal}` : "—"}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{c.orphanPausedAt ? `Paused ${formatDateTime(c.orphanPausedAt)}` : formatDateTime(c.orphanDeadline)}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

/**
 * Offboarding: the orphan count, and every open case grouped by the person who owned the bots,
 * with bulk "transfer all to …" / "offboard all" for IT (bots.write_all).
 */
export function OffboardingPage() {
  const can = useCan();
  const cases = useOffboardingCases({ status: "open" });
  const mayManage = can("bots.write_all");
  const groups = new Map<string, { personId: string | null; name: string; email: string | null; cases: TOffboardingCaseSummary[] }>();
  for (const c of cases.data ?? []) {
    const key = c.formerOwner?.id ?? "none";
    const g = groups.get(key) ?? { personId: c.formerOwner?.id ?? null, name: c.formerOwner?.displayName ?? "No former owner", email: c.formerOwner?.email ?? null, cases: [] };
    g.cases.push(c);
    groups.set(key, g);
  }
  return (
    <>
      <PageHeader title="Offboarding" description="Bots whose owner left, or that a review or IT sent to offboarding: transfer each to a new owner, who accepts, or offboard it step by step. No orphaned agents." />
      <Stack gap="lg">
        <OrphanCard linked={false} />
        {cases.isPending ? (
          <LoadingBlock label="Loading offboarding cases" />
        ) : cases.isError ? (
          <ErrorBlock error={cases.error} onRetry={() => void cases.refetch()} />
        ) : groups.size === 0 ? (
          <EmptyBlock title="No open offboarding case" description="When a person leaves (SCIM or “Offboard person” on their page), a case opens here for each bot they owned." />
        ) : (
          [...groups.entries()].map(([key, g]) => <PersonGroup key={key} {...g} mayManage={mayManage} />)
        )}
      </Stack>
    </>
  );
}
