import { Alert, Group, Text } from "@mantine/core";
import { AnchorLink } from "../../../components/links.tsx";
import { useKillSwitchStatus } from "../queries.ts";

/** A banner on every page while any switch the person may see is engaged. */
export function KillSwitchBanner() {
  const status = useKillSwitchStatus();
  const engaged = status.data?.engaged ?? [];
  if (engaged.length === 0) return null;
  const bots = status.data?.haltedBots.length ?? 0;
  return (
    <Alert color="red" variant="filled" mb="md" role="status" data-testid="kill-switch-banner">
      <Group justify="space-between">
        <Text size="sm" fw={600}>
          {engaged.length === 1 ? `Kill switch engaged on ${engaged[0]!.scope.label}` : `${engaged.length} kill switches engaged`}: {bots === 1 ? "1 bot halted" : `${bots} bots halted`}.
        </Text>
        <AnchorLink to="/kill-switch" size="sm" c="white" fw={600}>
          Open the kill switch page
        </AnchorLink>
      </Group>
    </Alert>
  );
}
