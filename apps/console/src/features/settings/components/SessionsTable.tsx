import { Badge, Button, Group, Stack, Table, Text, VisuallyHidden } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { ConfirmDialog } from "../../../components/ConfirmDialog.tsx";
import { RelativeTime } from "../../../components/RelativeTime.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { useForgetSession } from "../../auth/queries.ts";
import { useRevokeSession, useSessions } from "../queries.ts";
import type { TSession } from "../queries.ts";

const METHOD_LABELS: Record<TSession["method"], string> = { oidc: "SSO", local: "Local admin" };

/** Every active console session, with Revoke (DELETE /api/v1/sessions/{id}); revoking your own signs you out. */
export function SessionsTable() {
  const sessions = useSessions();
  const revoke = useRevokeSession();
  const forgetSession = useForgetSession();
  const [target, setTarget] = useState<TSession | null>(null);

  const close = () => {
    setTarget(null);
    revoke.reset();
  };
  const confirm = () => {
    if (!target) return;
    revoke.mutate(target.id, {
      onSuccess: () => {
        const own = target.current;
        close();
        if (own) forgetSession();
        else notifications.show({ color: "teal", title: "Session revoked", message: `${target.person.displayName} is signed out of that session.` });
      },
    });
  };

  if (sessions.isPending) return <LoadingBlock label="Loading sessions" />;
  if (sessions.isError) return <ErrorBlock title="Could not load the sessions" error={sessions.error} onRetry={() => void sessions.refetch()} />;
  if (sessions.data.length === 0) return <EmptyBlock title="No active sessions" description="Nobody is signed in to the console." />;

  return (
    <>
      <Table.ScrollContainer minWidth={900}>
        <Table striped verticalSpacing="xs" aria-label="Sessions">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Person</Table.Th>
              <Table.Th>Method</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Last seen</Table.Th>
              <Table.Th>Expires</Table.Th>
              <Table.Th>User agent</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sessions.data.map((session) => (
              <Table.Tr key={session.id} data-current={session.current || undefined}>
                <Table.Td>
                  <Stack gap={0}>
                    <Group gap={6} wrap="nowrap">
                      <Text size="sm" fw={600}>
                        {session.person.displayName}
                      </Text>
                      {session.current && (
                        <Badge size="xs" variant="filled" color="blue" radius="sm">
                          This session
                        </Badge>
                      )}
                    </Group>
                    <Text size="xs" c="dimmed">
                      {session.person.email}
                    </Text>
                  </Stack>
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" color={session.method === "local" ? "orange" : "blue"} radius="sm">
                    {METHOD_LABELS[session.method]}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <RelativeTime value={session.createdAt} />
                </Table.Td>
                <Table.Td>
                  <RelativeTime value={session.lastSeenAt} />
                </Table.Td>
                <Table.Td>
                  <RelativeTime value={session.expiresAt} />
                </Table.Td>
                <Table.Td>
                  <Text size="xs" c="dimmed" truncate maw={260} title={session.userAgent ?? undefined}>
                    {session.userAgent ?? "Unknown"}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Button size="xs" variant="light" color="red" onClick={() => setTarget(session)}>
                    Revoke
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <ConfirmDialog
        opened={target !== null}
        title={target?.current ? "Sign out of this session?" : "Revoke this session?"}
        confirmLabel="Revoke session"
        loading={revoke.isPending}
        error={revoke.isError ? revoke.error : undefined}
        onConfirm={confirm}
        onCancel={close}
      >
        {target?.current
          ? "This is your own session: revoking it signs you out now."
          : `${target?.person.displayName ?? "This person"} is signed out of this session at once and must sign in again.`}
      </ConfirmDialog>
    </>
  );
}
