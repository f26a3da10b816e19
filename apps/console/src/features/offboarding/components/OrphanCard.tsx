import { Group, Paper, Text } from "@mantine/core";
import { AnchorLink } from "../../../components/links.tsx";
import { useOffboardingOverview } from "../queries.ts";

/**
 * The orphan count (bots without an active owner; the goal is zero), for the inventory and the
 * Offboarding page (`linked` false there: the link would lead to the page it is on).
 */
export function OrphanCard({ linked = true }: { linked?: boolean }) {
  const overview = useOffboardingOverview();
  if (!overview.data) return null;
  const o = overview.data;
  return (
    <Paper withBorder radius="md" p="md" aria-label="Orphaned bots" component="section">
      <Group justify="space-between" align="flex-start">
        <div>
          <Text size="xs" tt="uppercase" c="dimmed" fw={600}>
            Orphaned bots
          </Text>
          <Text fz={28} fw={700} c={o.orphans === 0 ? "teal" : "red"} data-testid="orphan-count">
            {o.orphans}
          </Text>
          <Text size="sm" c="dimmed">
            {o.orphans === 0
              ? "Every bot has an active owner."
              : `Bots without an active owner; paused ${o.orphanDeadlineDays} days after they lost it${o.orphansPastDeadline ? ` (${o.orphansPastDeadline} past the deadline)` : ""}.`}
          </Text>
        </div>
        <div>
          <Text size="sm">
            {o.openCases} open offboarding case{o.openCases === 1 ? "" : "s"}
            {o.awaitingAcceptance ? `, ${o.awaitingAcceptance} awaiting the new owner` : ""}
          </Text>
          {linked && (
            <AnchorLink to="/offboarding" size="sm">
              Open Offboarding
            </AnchorLink>
          )}
        </div>
      </Group>
    </Paper>
  );
}
