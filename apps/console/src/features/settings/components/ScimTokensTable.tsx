import { Badge, Button, Table, Text, VisuallyHidden } from "@mantine/core";
import { RelativeTime } from "../../../components/RelativeTime.tsx";
import type { TScimToken } from "../queries.ts";

/** SCIM bearer tokens: who created them, when the identity provider last used them, revoked or not. */
export function ScimTokensTable({ tokens, onRevoke }: { tokens: TScimToken[]; onRevoke: (token: TScimToken) => void }) {
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table striped verticalSpacing="xs" aria-label="SCIM tokens">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>Last used</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {tokens.map((token) => (
            <Table.Tr key={token.id} data-revoked={token.revokedAt ? true : undefined}>
              <Table.Td>
                <Text size="sm" fw={600} c={token.revokedAt ? "dimmed" : undefined}>
                  {token.name}
                </Text>
              </Table.Td>
              <Table.Td>
                <RelativeTime value={token.createdAt} />
                {token.createdBy && (
                  <Text size="xs" c="dimmed">
                    by {token.createdBy}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <RelativeTime value={token.lastUsedAt} empty="Never used" />
              </Table.Td>
              <Table.Td>
                {token.revokedAt ? (
                  <>
                    <Badge variant="light" color="red" radius="sm">
                      Revoked
                    </Badge>
                    <RelativeTime value={token.revokedAt} size="xs" c="dimmed" />
                  </>
                ) : (
                  <Badge variant="light" color="teal" radius="sm">
                    Active
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>
                {!token.revokedAt && (
                  <Button size="xs" variant="light" color="red" onClick={() => onRevoke(token)}>
                    Revoke
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
