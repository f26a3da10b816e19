import type { TMe } from "@bridle/contracts";
import { Avatar, Badge, Button, Group, Stack, Text } from "@mantine/core";
import { useLogout } from "../queries.ts";

const initials = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part.charAt(0).toUpperCase())
    .join("");

/** The signed-in person and the Sign out button, at the foot of the navigation. */
export function UserCard({ me }: { me: TMe }) {
  const logout = useLogout();
  return (
    <Stack gap="sm" data-testid="signed-in-user">
      <Group gap="sm" wrap="nowrap">
        <Avatar color="blue" radius="xl" aria-hidden>
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
      {me.roles.length > 0 && (
        <Group gap={4}>
          {me.roles.map((role) => (
            <Badge key={role} size="xs" variant="light" color="gray">
              {role}
            </Badge>
          ))}
        </Group>
      )}
      <Button variant="default" size="xs" onClick={() => logout.mutate()} loading={logout.isPending}>
        Sign out
      </Button>
    </Stack>
  );
}
