import type { TPersonStatus, TRole } from "@bridle/contracts";
import { Badge, Group, Text } from "@mantine/core";
import { ROLE_COLORS, ROLE_LABELS } from "../roles.ts";

export function PersonStatusBadge({ status }: { status: TPersonStatus }) {
  return (
    <Badge variant="light" color={status === "deactivated" ? "red" : "teal"} radius="sm">
      {status === "deactivated" ? "Deactivated" : "Active"}
    </Badge>
  );
}

/** A person's roles; no roles means a bot owner only. */
export function RoleBadges({ roles, size = "sm", emptyLabel = "No role" }: { roles: readonly TRole[]; size?: "xs" | "sm"; emptyLabel?: string }) {
  if (roles.length === 0) {
    return (
      <Text size={size} c="dimmed">
        {emptyLabel}
      </Text>
    );
  }
  return (
    <Group gap={4} wrap="wrap">
      {roles.map((role) => (
        <Badge key={role} size={size} variant="light" color={ROLE_COLORS[role]} radius="sm">
          {ROLE_LABELS[role]}
        </Badge>
      ))}
    </Group>
  );
}
