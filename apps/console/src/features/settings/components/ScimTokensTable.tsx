import { Text } from "@mantine/core";
import { RelativeTime } from "../../../components/RelativeTime.tsx";
import { TokenStatusBadge, TokenTable, tokenColumns } from "../../../components/TokenTable.tsx";
import type { TokenColumn } from "../../../components/TokenTable.tsx";
import type { TScimToken } from "../queries.ts";

const columns: TokenColumn<TScimToken>[] = [
  tokenColumns.name(),
  {
    header: "Created",
    cell: (token) => (
      <>
        <RelativeTime value={token.createdAt} />
        {token.createdBy && (
          <Text size="xs" c="dimmed">
            by {token.createdBy}
          </Text>
        )}
      </>
    ),
  },
  tokenColumns.lastUsed(),
  {
    header: "Status",
    cell: (token) => (
      <>
        <TokenStatusBadge token={token} />
        {token.revokedAt && <RelativeTime value={token.revokedAt} size="xs" c="dimmed" />}
      </>
    ),
  },
];

/** SCIM bearer tokens: who created them, when the identity provider last used them, revoked or not. */
export function ScimTokensTable({ tokens, onRevoke }: { tokens: TScimToken[]; onRevoke: (token: TScimToken) => void }) {
  return <TokenTable label="SCIM tokens" tokens={tokens} columns={columns} onRevoke={onRevoke} minWidth={720} markRevoked />;
}
