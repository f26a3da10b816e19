import { PERMISSION_LABELS } from "@bridle/contracts";
import type { TApiToken } from "@bridle/contracts";
import { Badge, Group, Text, Tooltip } from "@mantine/core";
import { TokenTable, tokenColumns } from "../../../components/TokenTable.tsx";
import type { TokenColumn } from "../../../components/TokenTable.tsx";

const columns: TokenColumn<TApiToken>[] = [
  tokenColumns.name({ withPrefix: true }),
  {
    header: "Scopes",
    cell: (token) => (
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
    ),
  },
  tokenColumns.created(),
  tokenColumns.lastUsed(),
  tokenColumns.expires(),
  tokenColumns.status(),
];

export function ApiTokensTable({ tokens, onRevoke }: { tokens: TApiToken[]; onRevoke: (token: TApiToken) => void }) {
  return <TokenTable label="API tokens" tokens={tokens} columns={columns} onRevoke={onRevoke} minWidth={900} />;
}
