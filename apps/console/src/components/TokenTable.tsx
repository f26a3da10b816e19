import { Badge, Button, Code, Table, Text, VisuallyHidden } from "@mantine/core";
import type { ReactNode } from "react";
import { isPast } from "../lib/format.ts";
import { RelativeTime } from "./RelativeTime.tsx";

/** What every token list (runtime, API, SCIM) has in common. */
export type TokenRow = {
  id: string;
  name: string;
  prefix?: string | null;
  createdAt: string;
  expiresAt?: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

/** One column: its header and what each token's cell shows. */
export type TokenColumn<T extends TokenRow> = { header: string; cell: (token: T) => ReactNode };

/** Revoked, Expired or Active. */
export function TokenStatusBadge({ token }: { token: TokenRow }) {
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

/** The columns the token lists share; each list picks and orders its own. */
export const tokenColumns = {
  /** The name, dimmed once the token no longer works; `withPrefix` shows the prefix under it. */
  name: <T extends TokenRow>({ withPrefix = false }: { withPrefix?: boolean } = {}): TokenColumn<T> => ({
    header: "Name",
    cell: (token) => (
      <>
        <Text size="sm" fw={600} c={!token.revokedAt && !isPast(token.expiresAt) ? undefined : "dimmed"}>
          {token.name}
        </Text>
        {withPrefix && token.prefix && <Code fz="xs">{token.prefix}…</Code>}
      </>
    ),
  }),
  prefix: <T extends TokenRow>(): TokenColumn<T> => ({
    header: "Prefix",
    cell: (token) => (token.prefix ? <Code fz="xs">{token.prefix}…</Code> : <Text size="sm" c="dimmed">—</Text>),
  }),
  created: <T extends TokenRow>(): TokenColumn<T> => ({ header: "Created", cell: (token) => <RelativeTime value={token.createdAt} /> }),
  expires: <T extends TokenRow>(): TokenColumn<T> => ({
    header: "Expires",
    cell: (token) => <RelativeTime value={token.expiresAt} empty="Never" />,
  }),
  lastUsed: <T extends TokenRow>(): TokenColumn<T> => ({
    header: "Last used",
    cell: (token) => <RelativeTime value={token.lastUsedAt} empty="Never used" />,
  }),
  status: <T extends TokenRow>(): TokenColumn<T> => ({ header: "Status", cell: (token) => <TokenStatusBadge token={token} /> }),
};

/**
 * A list of tokens with a "Revoke" button on each one still unrevoked; the caller asks before
 * revoking (see TokenFlow).
 */
export function TokenTable<T extends TokenRow>({
  label,
  tokens,
  columns,
  onRevoke,
  minWidth,
  withTableBorder,
  markRevoked = false,
}: {
  /** The table's accessible name. */
  label: string;
  tokens: T[];
  columns: TokenColumn<T>[];
  onRevoke: (token: T) => void;
  minWidth: number;
  withTableBorder?: boolean;
  /** Sets `data-revoked` on the rows of revoked tokens. */
  markRevoked?: boolean;
}) {
  return (
    <Table.ScrollContainer minWidth={minWidth}>
      <Table striped verticalSpacing="xs" aria-label={label} withTableBorder={withTableBorder}>
        <Table.Thead>
          <Table.Tr>
            {columns.map((column) => (
              <Table.Th key={column.header}>{column.header}</Table.Th>
            ))}
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {tokens.map((token) => (
            <Table.Tr key={token.id} data-revoked={markRevoked && token.revokedAt ? true : undefined}>
              {columns.map((column) => (
                <Table.Td key={column.header}>{column.cell(token)}</Table.Td>
              ))}
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
