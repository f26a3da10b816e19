import { Badge, Tooltip } from "@mantine/core";
import { useKillSwitchStatus } from "../queries.ts";

/**
 * "Halted by kill switch" next to a bot's lifecycle status: a switch does not change the status
 * (resuming restores exactly what was there), so wherever the status shows, this says the bot is
 * halted. Nothing when no switch covers the bot.
 */
export function HaltedBadge({ botId }: { botId: string }) {
  const status = useKillSwitchStatus();
  const halted = status.data?.haltedBots.find((b) => b.botId === botId);
  if (!halted) return null;
  const label = halted.mode === "pause" ? "Halted by kill switch" : "Read-only (kill switch)";
  return (
    <Tooltip label={`${halted.switchIds.length === 1 ? "1 kill switch holds" : `${halted.switchIds.length} kill switches hold`} this bot; see the Kill switch page`}>
      <Badge color="red" variant="filled" radius="sm" data-testid="halted-badge">
        {label}
      </Badge>
    </Tooltip>
  );
}
