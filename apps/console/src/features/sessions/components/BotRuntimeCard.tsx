import type { TBotRuntimeStatus } from "@bridle/contracts";
import { Badge, Group, List, Stack, Table, Text, Tooltip } from "@mantine/core";
import { AnchorLink } from "../../../components/links.tsx";
import { ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { formatDateTime, formatRelative } from "../../../lib/format.ts";
import { useBotRuntime } from "../queries.ts";

const STATUS: Record<TBotRuntimeStatus["status"], { label: string; color: string }> = {
  live: { label: "Reporting", color: "teal" },
  silent: { label: "Silent", color: "red" },
  never_reported: { label: "Never reported", color: "gray" },
};

const version = (name: string | null, v: string | null) => (name ? `${name}${v ? ` ${v}` : ""}` : "—");

/**
 * The bot page's Runtime card: which gateway enforces the bot (from its runtime's heartbeats),
 * with which runtime and plugin versions, when it was last seen, and its recent enforcement gaps.
 */
export function BotRuntimeCard({ botId }: { botId: string }) {
  const runtime = useBotRuntime(botId);
  if (runtime.isPending) return <LoadingBlock label="Loading the runtime status" />;
  if (runtime.isError) return <ErrorBlock title="Could not load the runtime status" error={runtime.error} onRetry={() => void runtime.refetch()} />;
  const r = runtime.data;
  const status = STATUS[r.status];
  return (
    <Stack gap="sm">
      <Group gap="xs">
        <Badge variant="light" color={status.color} radius="sm" data-testid="runtime-status">
          {status.label}
        </Badge>
        {r.lastSeenAt && (
          <Tooltip label={formatDateTime(r.lastSeenAt)}>
            <Text size="sm">Last seen {formatRelative(r.lastSeenAt)}</Text>
          </Tooltip>
        )}
      </Group>
      {r.status === "never_reported" ? (
        <Text size="sm" c="dimmed">
          This bot's runtime has never reported. Once the OpenClaw plugin (or a runtime using the Bridle SDK) runs with the bot's runtime token, its heartbeats
          show here which gateway enforces it.
        </Text>
      ) : (
        <>
          {r.status === "silent" && (
            <Text size="sm" c="red">
              No heartbeat for more than {r.silentAfterMinutes} minutes: Bridle cannot tell whether this bot's tool calls are still enforced.
            </Text>
          )}
          <Table aria-label="Gateways enforcing this bot" verticalSpacing="xs" withTableBorder>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Enforced by</Table.Th>
                <Table.Th>Runtime</Table.Th>
                <Table.Th>Plugin</Table.Th>
                <Table.Th>Last seen</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {r.gateways.map((g) => (
                <Table.Tr key={g.gateway} data-testid="runtime-gateway">
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {g.gateway || "(unnamed gateway)"}
                    </Text>
                  </Table.Td>
                  <Table.Td>{version(g.runtime, g.runtimeVersion)}</Table.Td>
                  <Table.Td>{version(g.plugin, g.pluginVersion)}</Table.Td>
                  <Table.Td>
                    <Tooltip label={formatDateTime(g.lastSeenAt)}>
                      <Text size="sm">{formatRelative(g.lastSeenAt)}</Text>
                    </Tooltip>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
      {r.gaps.length > 0 && (
        <Stack gap={4}>
          <Text size="sm" fw={600} c="red">
            Enforcement gaps
          </Text>
          <List size="sm" spacing={4}>
            {r.gaps.map((g) => (
              <List.Item key={`${g.sessionId}-${g.kind}`} data-testid="runtime-gap">
                {g.message} ({formatDateTime(g.at)}, session{" "}
                <AnchorLink to="/bots/$botId/sessions/$sessionId" params={{ botId, sessionId: g.sessionId }} size="sm" ff="monospace">
                  {g.sessionId}
                </AnchorLink>
                )
              </List.Item>
            ))}
          </List>
        </Stack>
      )}
    </Stack>
  );
}
