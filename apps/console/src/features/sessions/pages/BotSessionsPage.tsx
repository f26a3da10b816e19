import type { TBot, TRuntimeSession } from "@bridle/contracts";
import { Badge, Breadcrumbs, Button, Group, Stack, Table, Text } from "@mantine/core";
import { getRouteApi } from "@tanstack/react-router";
import { AnchorLink, ButtonLink } from "../../../components/links.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { isApiError } from "../../../lib/api.ts";
import { formatDateTime } from "../../../lib/format.ts";
import { useBot } from "../../bots/queries.ts";
import { useRuntimeSessions } from "../queries.ts";
import { formatCost, formatTokens } from "../format.ts";

const route = getRouteApi("/bots/$botId/sessions");

/** A bot's runtime sessions, latest activity first; each opens its timeline. */
export function BotSessionsPage() {
  const { botId } = route.useParams();
  const bot = useBot(botId);
  if (bot.isPending) return <LoadingBlock label="Loading bot" />;
  if (bot.isError)
    return isApiError(bot.error) && (bot.error.status === 404 || bot.error.status === 400) ? (
      <EmptyBlock title="Bot not found" description="There is no bot with this id." action={<ButtonLink to="/bots" variant="default">Back to the inventory</ButtonLink>} />
    ) : (
      <ErrorBlock title="Could not load this bot" error={bot.error} onRetry={() => void bot.refetch()} />
    );
  return <Sessions bot={bot.data} />;
}

function Sessions({ bot }: { bot: TBot }) {
  const sessions = useRuntimeSessions(bot.id);
  const items: TRuntimeSession[] = sessions.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <PageHeader
        above={
          <Breadcrumbs>
            <AnchorLink to="/bots" size="sm">
              Inventory
            </AnchorLink>
            <AnchorLink to="/bots/$botId" params={{ botId: bot.id }} size="sm">
              {bot.name}
            </AnchorLink>
            <Text size="sm">Sessions</Text>
          </Breadcrumbs>
        }
        title={`Runtime sessions of ${bot.name}`}
        description="What the bot's runtime reported it did, session by session: tool calls and their results, messages sent, errors, and model usage. Times are the runtime's."
      />
      {sessions.isPending ? (
        <LoadingBlock label="Loading sessions" />
      ) : sessions.isError ? (
        <ErrorBlock title="Could not load the sessions" error={sessions.error} onRetry={() => void sessions.refetch()} />
      ) : items.length === 0 ? (
        <EmptyBlock
          title="No runtime sessions yet"
          description="Sessions appear here once the bot's runtime reports events (POST /api/v1/events with its runtime token), for example through the Bridle SDK or the OpenClaw plugin."
        />
      ) : (
        <Stack gap="sm">
          <Table aria-label="Runtime sessions" verticalSpacing="xs" withTableBorder highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Session</Table.Th>
                <Table.Th>Started</Table.Th>
                <Table.Th>Last activity</Table.Th>
                <Table.Th ta="right">Events</Table.Th>
                <Table.Th ta="right">Tool calls</Table.Th>
                <Table.Th ta="right">Errors</Table.Th>
                <Table.Th ta="right">Tokens in / out</Table.Th>
                <Table.Th ta="right">Cost</Table.Th>
                <Table.Th>State</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((s) => (
                <Table.Tr key={s.sessionId} data-testid="runtime-session">
                  <Table.Td>
                    <AnchorLink to="/bots/$botId/sessions/$sessionId" params={{ botId: bot.id, sessionId: s.sessionId }} size="sm" ff="monospace">
                      {s.sessionId}
                    </AnchorLink>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{formatDateTime(s.firstAt)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{formatDateTime(s.lastAt)}</Text>
                  </Table.Td>
                  <Table.Td ta="right">{s.events}</Table.Td>
                  <Table.Td ta="right">{s.toolCalls}</Table.Td>
                  <Table.Td ta="right">{s.errors ? <Text span c="red" size="sm">{s.errors}</Text> : 0}</Table.Td>
                  <Table.Td ta="right">
                    {formatTokens(s.inputTokens)} / {formatTokens(s.outputTokens)}
                  </Table.Td>
                  <Table.Td ta="right">{formatCost(s.costUsd)}</Table.Td>
                  <Table.Td>
                    {s.ended ? (
                      <Badge size="sm" variant="light" color="gray">
                        ended
                      </Badge>
                    ) : (
                      <Badge size="sm" variant="light" color="teal">
                        open
                      </Badge>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {sessions.hasNextPage ? (
            <Group>
              <Button variant="default" onClick={() => void sessions.fetchNextPage()} loading={sessions.isFetchingNextPage}>
                Load more sessions
              </Button>
            </Group>
          ) : null}
        </Stack>
      )}
    </>
  );
}
