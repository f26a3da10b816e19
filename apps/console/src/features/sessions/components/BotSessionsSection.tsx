import { Group, Stack, Table, Text } from "@mantine/core";
import { AnchorLink, ButtonLink } from "../../../components/links.tsx";
import { ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { formatDateTime } from "../../../lib/format.ts";
import { formatCost } from "../format.ts";
import { useRuntimeSessions } from "../queries.ts";

/** The bot page's summary of its latest runtime sessions, with the way to all of them. */
export function BotSessionsSection({ botId }: { botId: string }) {
  const sessions = useRuntimeSessions(botId, 5);
  if (sessions.isPending) return <LoadingBlock label="Loading sessions" />;
  if (sessions.isError) return <ErrorBlock title="Could not load the sessions" error={sessions.error} onRetry={() => void sessions.refetch()} />;
  const items = sessions.data.pages[0]?.items ?? [];
  const open = (
    <ButtonLink to="/bots/$botId/sessions" params={{ botId }} variant="default" size="xs">
      All sessions
    </ButtonLink>
  );
  if (items.length === 0)
    return (
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          No runtime sessions yet. They appear once the bot's runtime reports what it does (the Bridle SDK or the OpenClaw plugin, with its runtime token).
        </Text>
      </Stack>
    );
  return (
    <Stack gap="sm">
      <Table aria-label="Latest runtime sessions" verticalSpacing="xs" withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Session</Table.Th>
            <Table.Th>Last activity</Table.Th>
            <Table.Th ta="right">Events</Table.Th>
            <Table.Th ta="right">Cost</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((s) => (
            <Table.Tr key={s.sessionId}>
              <Table.Td>
                <AnchorLink to="/bots/$botId/sessions/$sessionId" params={{ botId, sessionId: s.sessionId }} size="sm" ff="monospace">
                  {s.sessionId}
                </AnchorLink>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{formatDateTime(s.lastAt)}</Text>
              </Table.Td>
              <Table.Td ta="right">{s.events}</Table.Td>
              <Table.Td ta="right">{formatCost(s.costUsd)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group>{open}</Group>
    </Stack>
  );
}
