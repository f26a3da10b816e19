import type { TInstructionActor, TInstructionVersionStatus } from "@bridle/contracts";
import { Badge, Text } from "@mantine/core";

const STATUS: Record<TInstructionVersionStatus, { label: string; color: string }> = {
  approved: { label: "Approved", color: "teal" },
  pending_review: { label: "Waiting for review", color: "yellow" },
  rejected: { label: "Rejected", color: "red" },
  superseded: { label: "Superseded", color: "gray" },
};

export function VersionStatusBadge({ status, current }: { status: TInstructionVersionStatus; current?: boolean }) {
  if (current)
    return (
      <Badge variant="filled" color="teal" radius="sm" data-testid="version-status" style={{ overflow: "visible" }}>
        Current
      </Badge>
    );
  const s = STATUS[status];
  return (
    <Badge variant="light" color={s.color} radius="sm" data-testid="version-status" style={{ overflow: "visible" }}>
      {s.label}
    </Badge>
  );
}

/** Who uploaded or reviewed: a person's email, or the bot's runtime. */
export function ActorText({ actor }: { actor: TInstructionActor }) {
  return (
    <Text size="sm" span>
      {actor.type === "bot" ? `${actor.label} (bot runtime)` : actor.label}
    </Text>
  );
}

/** The first 12 hex digits of a SHA-256, with the whole one on hover. */
export function ShortSha({ sha }: { sha: string }) {
  return (
    <Text span ff="monospace" size="xs" title={sha}>
      {sha.slice(0, 12)}
    </Text>
  );
}
