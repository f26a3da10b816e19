import { SKILL_REGISTRY_LABELS } from "@bridle/contracts";
import type { TBotSkillState, TSkill } from "@bridle/contracts";
import { Badge, Text } from "@mantine/core";

const STATE: Record<TBotSkillState, { label: string; color: string }> = {
  approved: { label: "Approved", color: "teal" },
  pending: { label: "Pending review", color: "yellow" },
  rejected: { label: "Rejected", color: "red" },
  unregistered: { label: "Not registered", color: "gray" },
  unpinned: { label: "Not pinned", color: "orange" },
};

/** A registry version's review status, or how a bot's tool stands against the registry. */
export function SkillStateBadge({ state }: { state: TBotSkillState }) {
  const s = STATE[state];
  return (
    <Badge variant="light" color={s.color} radius="sm" data-testid="skill-state" style={{ overflow: "visible" }}>
      {s.label}
    </Badge>
  );
}

/** Where a skill comes from: the registry, then the package or URL. */
export function SkillSource({ source }: { source: TSkill["source"] }) {
  return (
    <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
      {SKILL_REGISTRY_LABELS[source.registry]}: <Text span ff="monospace" size="xs">{source.package}</Text>
    </Text>
  );
}
