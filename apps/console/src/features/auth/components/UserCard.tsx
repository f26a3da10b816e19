import type { TMe } from "@bridle/contracts";
import { Avatar, Badge, Button, Group, Stack, Text } from "@mantine/core";
import { AnchorLink } from "../../../components/links.tsx";
import { RoleBadges } from "../../people/components/PersonBadges.tsx";
import { useLogout } from "../queries.ts";

const initials = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part.charAt(0).toUpperCase())
    .join("");

/** The signed-in person, their roles, their API tokens and Sign out, at the foot of the navigation. */
export function UserCard({ me }: { me: TMe }) {
  const logout = useLogout();
  return (
    // Compact (tokens and Sign out share a row) so the whole navigation above fits a 900 px tall window.
    <Stack gap={8} data-testid="signed-in-user">
      <Group gap="xs" wrap="nowrap">
        <Avatar color="blue" radius="xl" size={32} aria-hidden>
          {initials(me.displayName)}
        </Avatar>
        <Stack gap={0} style={{ minWidth: 0 }}>
          <Text size="sm" fw={600} truncate>
            {me.displayName}
          </Text>
          <Text size="xs" c="dimmed" truncate>
            {me.email}
          </Text>
        </Stack>
      </Group>
      <Group gap={4} aria-label="Your roles" data-testid="my-roles">
        <RoleBadges roles={me.roles} size="xs" emptyLabel="Bot owner" />
        {me.isBootstrapAdmin && (
          <Badge size="xs" variant="outline" color="orange" radius="sm">
            Break-glass account
          </Badge>
        )}
      </Group>
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <AnchorLink to="/settings/tokens" size="sm">
          API tokens
        </AnchorLink>
        <Button variant="default" size="compact-sm" onClick={() => logout.mutate()} loading={logout.isPending}>
          Sign out
        </Button>
      </Group>
    </Stack>
  );
}
