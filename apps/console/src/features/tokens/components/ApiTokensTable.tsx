import { PERMISSION_LABELS } from "@bridle/contracts";
import type { TApiToken } from "@bridle/contracts";
import { Badge, Button, Code, Group, Table, Text, Tooltip, VisuallyHidden } from "@mantine/core";
import { RelativeTime } from "../../../components/RelativeTime.tsx";
import { isPast } from "../../../lib/format.ts";

function TokenStatus({ token }: { token: TApiToken }) {
  if (token.revokedAt) {
    return (
      <Badge variant="light" color="red" radius="sm">
        Revoked
      </Badge>
    );
  }
  if (isPast(token.expiresAt)) {
    return (
      <Badge variant="light" color="gray" radius="sm">
        Expired
      </Badge>
    );
  }
  return (
    <Badge variant="light" color="teal" radius="sm">
      Active
    </Badge>
  );
}

export function ApiTokensTable({ tokens, onRevoke }: { tokens: TApiToken[]; onRevoke: (token: TApiToken) => void }) {
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table striped verticalSpacing="xs" aria-label="API tokens">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Scopes</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>Last used</Table.Th>
            <Table.Th>Expires</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {tokens.map((token) => {
            const usable = !token.revokedAt && !isPast(token.expiresAt);
            return (
              <Table.Tr key={token.id}>
                <Table.Td>
                  <Text size="sm" fw={600} c={usable ? undefined : "dimmed"}>
                    {token.name}
                  </Text>
                  {token.prefix && <Code fz="xs">{token.prefix}…</Code>}
                </Table.Td>
                <Table.Td>
                  <Group gap={4} maw={360}>
                    {token.scopes.length === 0 ? (
                      <Text size="xs" c="dimmed">
                        All of your permissions
                      </Text>
                    ) : (
                      token.scopes.map((scope) => (
                        <Tooltip key={scope} label={PERMISSION_LABELS[scope]} withArrow>
                          <Badge variant="default" radius="sm" tt="none" fw={500}>
                            {scope}
                          </Badge>
                        </Tooltip>
                      ))
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <RelativeTime value={token.createdAt} />
                </Table.Td>
                <Table.Td>
                  <RelativeTime value={token.lastUsedAt} empty="Never used" />
                </Table.Td>
                <Table.Td>
                  <RelativeTime value={token.expiresAt} empty="Never" />
                </Table.Td>
                <Table.Td>
                  <TokenStatus token={token} />
                </Table.Td>
                <Table.Td>
                  {!token.revokedAt && (
                    <Button size="xs" variant="light" color="red" onClick={() => onRevoke(token)}>
                      Revoke
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
