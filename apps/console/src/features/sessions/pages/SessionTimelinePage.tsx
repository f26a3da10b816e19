import type { TSessionTimelineEntry } from "@bridle/contracts";
import { Alert, Badge, Breadcrumbs, Code, Group, Paper, Stack, Text, Timeline } from "@mantine/core";
import { getRouteApi } from "@tanstack/react-router";
import { AnchorLink, ButtonLink } from "../../../components/links.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { isApiError } from "../../../lib/api.ts";
import { formatDateTime, plural } from "../../../lib/format.ts";
import { actionLabel } from "../../audit/labels.ts";
import { useCan } from "../../auth/permissions.tsx";
import { useBot } from "../../bots/queries.ts";
import { formatCost, formatTokens, toolParams } from "../format.ts";
import { useSessionTimeline } from "../queries.ts";

const route = getRouteApi("/bots/$botId/sessions/$sessionId");

const COLORS: Record<TSessionTimelineEntry["kind"], string> = { runtime: "blue", decision: "grape", approval: "orange" };
const str = (v: unknown) => (typeof v === "string" ? v : undefined);

/** What an entry says in one line, from its details (the bot's own words are shown as such). */
function summary(e: TSessionTimelineEntry): string {
  const d = e.details;
  switch (e.action) {
    case "runtime.tool_call":
      return `${str(d.tool) ?? "tool"}${str(d.action) ? ` (${str(d.action)})` : ""}`;
    case "runtime.tool_result":
      return `${str(d.tool) ?? "tool"}: ${d.ok === true ? "succeeded" : "failed"}${typeof d.durationMs === "number" ? ` in ${d.durationMs} ms` : ""}${str(d.error) ? `: ${str(d.error)}` : ""}`;
    case "runtime.message_sent":
      return `to ${str(d.channel) ?? "?"}${str(d.text) ? `: ${str(d.text)}` : ""}`;
    case "runtime.error":
      return `${str(d.code) ? `${str(d.code)}: ` : ""}${str(d.message) ?? ""}`;
    case "runtime.usage":
      return `${str(d.model) ?? "model"}: ${formatTokens(Number(d.inputTokens ?? 0))} in, ${formatTokens(Number(d.outputTokens ?? 0))} out, ${formatCost(Number(d.costUsd ?? 0))}`;
    case "runtime.session_start":
      return [str(d.agent) && `agent ${str(d.agent)}`, str(d.model) && `model ${str(d.model)}`, str(d.channel) && `from ${str(d.channel)}`].filter(Boolean).join(", ");
    case "runtime.session_end":
      return str(d.reason) ?? "";
    case "runtime.heartbeat":
      return `${str(d.runtime) ?? ""} ${str(d.runtimeVersion) ?? ""}${str(d.plugin) ? `, ${str(d.plugin)} ${str(d.pluginVersion) ?? ""}` : ""}`;
    default:
      if (e.kind === "decision") {
        const target = d.target && typeof d.target === "object" ? Object.values(d.target as Record<string, unknown>).filter((v) => typeof v === "string").join(" ") : "";
        const reasons = Array.isArray(d.reasons) ? (d.reasons as { message?: string }[]).map((r) => r.message).filter(Boolean).join("; ") : "";
        return `${str(d.action) ?? ""}${target ? ` on ${target}` : ""}${reasons ? ` — ${reasons}` : ""}`;
      }
      return str(d.note) ?? str(d.reason) ?? "";
  }
}

/** One runtime session's story in order: the runtime's events, the bot's decisions and the approval steps they led to. */
export function SessionTimelinePage() {
  const { botId, sessionId } = route.useParams();
  const bot = useBot(botId);
  const story = useSessionTimeline(botId, sessionId);
  // each entry links to its audit event for those who may read the audit log (owners and IT may not)
  const readsAudit = useCan()("audit.read");
  const notFound = (e: unknown) => isApiError(e) && (e.status === 404 || e.status === 400);
  if (bot.isPending || story.isPending) return <LoadingBlock label="Loading the session" />;
  if (bot.isError || story.isError) {
    const error = bot.error ?? story.error;
    return notFound(error) ? (
      <EmptyBlock
        title="Session not found"
        description="This bot has no runtime session with this id."
        action={
          <ButtonLink to="/bots/$botId/sessions" params={{ botId }} variant="default">
            Back to the sessions
          </ButtonLink>
        }
      />
    ) : (
      <ErrorBlock title="Could not load this session" error={error} onRetry={() => void (bot.isError ? bot.refetch() : story.refetch())} />
    );
  }
  const s = story.data.session;
  return (
    <>
      <PageHeader
        above={
          <Breadcrumbs>
            <AnchorLink to="/bots" size="sm">
              Inventory
            </AnchorLink>
            <AnchorLink to="/bots/$botId" params={{ botId }} size="sm">
              {bot.data.name}
            </AnchorLink>
            <AnchorLink to="/bots/$botId/sessions" params={{ botId }} size="sm">
              Sessions
            </AnchorLink>
            <Text size="sm" ff="monospace">
              {sessionId}
            </Text>
          </Breadcrumbs>
        }
        title={`Session ${sessionId}`}
        description={
          s
            ? `${plural(s.events, "event")} from ${formatDateTime(s.firstAt)} to ${formatDateTime(s.lastAt)} (the runtime's clock); ${plural(s.toolCalls, "tool call")}, ${plural(s.errors, "error")}, ${formatTokens(s.inputTokens)} / ${formatTokens(s.outputTokens)} tokens, ${formatCost(s.costUsd)}${s.ended ? "; ended" : "; still open"}.`
            : "Decisions the bot asked for in this session; its runtime has reported no events for it."
        }
      />
      <Stack gap="md">
        {story.data.truncated ? (
          <Alert color="yellow" title="Only the latest part of this session">
            The session has more entries than one page shows; the latest are listed. The audit log (filter by session id) has them all.
          </Alert>
        ) : null}
        <Text size="xs" c="dimmed">
          Runtime events are placed at the runtime's time; decisions and approvals at Bridle's.
        </Text>
        <Paper withBorder radius="md" p="md">
          <Timeline bulletSize={14} lineWidth={2} aria-label="Session timeline">
            {story.data.items.map((e) => {
              const said = summary(e);
              const ran = toolParams(e.action, e.details);
              return (
              <Timeline.Item
                key={e.eventId}
                color={COLORS[e.kind]}
                data-testid="timeline-entry"
                title={
                  <Group gap="xs">
                    <Badge size="xs" variant="light" color={COLORS[e.kind]}>
                      {e.kind}
                    </Badge>
                    <Text size="sm" fw={500}>
                      {e.actorLabel ?? "someone"} {actionLabel(e.action)}
                    </Text>
                    {e.outcome !== "success" ? (
                      <Badge size="xs" color={e.outcome === "denied" ? "red" : "orange"}>
                        {e.outcome}
                      </Badge>
                    ) : null}
                  </Group>
                }
              >
                <Text size="xs" c="dimmed">
                  {formatDateTime(e.at)} ·{" "}
                  {readsAudit ? (
                    <AnchorLink to="/audit/$eventId" params={{ eventId: e.eventId }} size="xs" aria-label={`Audit event: ${actionLabel(e.action)}, ${formatDateTime(e.at)}`}>
                      <Code fz="xs">{e.action}</Code>
                    </AnchorLink>
                  ) : (
                    <Code fz="xs">{e.action}</Code>
                  )}
                </Text>
                {said ? (
                  <Text size="sm" mt={2} style={{ overflowWrap: "anywhere" }}>
                    {said}
                  </Text>
                ) : null}
                {ran ? (
                  <Code block fz="xs" mt={4} data-testid="tool-params" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
                    {ran}
                  </Code>
                ) : null}
              </Timeline.Item>
              );
            })}
          </Timeline>
        </Paper>
      </Stack>
    </>
  );
}
