import { Badge, Button, Code, Table, Text, VisuallyHidden } from "@mantine/core";
import { RelativeTime } from "../../../components/RelativeTime.tsx";
import { isPast } from "../../../lib/format.ts";
import type { TBotToken } from "../queries.ts";

function Revoked({ token }: { token: TBotToken }) {
  if (token.revokedAt) {
    return (
      <Badge variant="light" color="red" radius="sm" title={token.revokedAt}>
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

export function BotTokensTable({ tokens, onRevoke }: { tokens: TBotToken[]; onRevoke: (token: TBotToken) => void }) {
  return (
    <Table.ScrollContainer minWidth={820}>
      <Table striped verticalSpacing="xs" aria-label="Runtime tokens" withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Prefix</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>Expires</Table.Th>
            <Table.Th>Last used</Table.Th>
            <Table.Th>Revoked</Table.Th>
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
                </Table.Td>
                <Table.Td>{token.prefix ? <Code fz="xs">{token.prefix}…</Code> : <Text size="sm" c="dimmed">—</Text>}</Table.Td>
                <Table.Td>
                  <RelativeTime value={token.createdAt} />
                </Table.Td>
                <Table.Td>
                  <RelativeTime value={token.expiresAt} empty="Never" />
                </Table.Td>
                <Table.Td>
                  <RelativeTime value={token.lastUsedAt} empty="Never used" />
                </Table.Td>
                <Table.Td>
                  {token.revokedAt ? <RelativeTime value={token.revokedAt} c="red" /> : <Revoked token={token} />}
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
