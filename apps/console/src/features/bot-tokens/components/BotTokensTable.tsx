import { RelativeTime } from "../../../components/RelativeTime.tsx";
import { TokenStatusBadge, TokenTable, tokenColumns } from "../../../components/TokenTable.tsx";
import type { TokenColumn } from "../../../components/TokenTable.tsx";
import type { TBotToken } from "../queries.ts";

const columns: TokenColumn<TBotToken>[] = [
  tokenColumns.name(),
  tokenColumns.prefix(),
  tokenColumns.created(),
  tokenColumns.expires(),
  tokenColumns.lastUsed(),
  {
    header: "Revoked",
    cell: (token) => (token.revokedAt ? <RelativeTime value={token.revokedAt} c="red" /> : <TokenStatusBadge token={token} />),
  },
];

export function BotTokensTable({ tokens, onRevoke }: { tokens: TBotToken[]; onRevoke: (token: TBotToken) => void }) {
  return <TokenTable label="Runtime tokens" tokens={tokens} columns={columns} onRevoke={onRevoke} minWidth={820} withTableBorder />;
}
