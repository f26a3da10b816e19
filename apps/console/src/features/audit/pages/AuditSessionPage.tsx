import type { TAuditEvent } from "@bridle/contracts";
import { Alert, Badge, Breadcrumbs, Code, Group, Paper, Stack, Text, Timeline } from "@mantine/core";
import { getRouteApi } from "@tanstack/react-router";
import { AnchorLink, ButtonLink } from "../../../components/links.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { formatDateTime, humanize, plural } from "../../../lib/format.ts";
import { RequirePermission } from "../../auth/permissions.tsx";
import { ActorName, OutcomeBadge, ResourceLink } from "../components/AuditBits.tsx";
import { actionLabel, OUTCOME_COLORS } from "../labels.ts";
import { useSessionStory } from "../queries.ts";

const route = getRouteApi("/audit/sessions/$sessionId");

/** `+0.4 s`, `+12 s`, `+3 min 05 s`, `+1 h 02 min`: how long after the session's first event. */
export function formatOffset(ms: number): string {
  if (ms < 10_000) return `+${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `+${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `+${minutes} min ${String(seconds % 60).padStart(2, "0")} s`;
  return `+${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

/** One runtime session's story (`audit.read`), oldest first, with times relative to its start. */
export function AuditSessionPage() {
  return (
    <RequirePermission permission="audit.read">
      <SessionStoryView />
    </RequirePermission>
  );
}

const str = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);
/** A decision's reasons: `{ code, message }` records (older events: codes only). */
const reasonsOf = (value: unknown): { code: string; message: string | null }[] =>
  Array.isArray(value)
    ? value.flatMap((item) => {
        if (typeof item === "string") return [{ code: item, message: null }];
        if (item && typeof item === "object" && typeof (item as { code?: unknown }).code === "string")
          return [{ code: (item as { code: string }).code, message: str((item as { message?: unknown }).message) }];
        return [];
      })
    : [];

/** What a decision or approval event adds to its line: the action asked, its target, the reasons. */
function StepDetails({ event }: { event: TAuditEvent }) {
  const d = event.details;
  const asked = str(d.action);
  const target = d.target && typeof d.target === "object" ? Object.entries(d.target as Record<string, unknown>).filter(([, v]) => typeof v === "string") : [];
  const reasons = reasonsOf(d.reasons);
  const note = str(d.note);
  return (
    <Stack gap={4} mt={4}>
      {(asked || target.length > 0) && (
        <Group gap={6}>
          {asked && <Code>{asked}</Code>}
          {target.map(([key, value]) => (
            <Text key={key} span size="xs" c="dimmed">
              {key}: <Code fz="xs">{String(value)}</Code>
            </Text>
          ))}
        </Group>
      )}
      {reasons.map((reason) => (
        <Group key={reason.code} gap={6} wrap="nowrap" align="flex-start">
          <Badge size="sm" variant="outline" color="gray" style={{ flexShrink: 0 }}>
            {humanize(reason.code)}
          </Badge>
          {reason.message && (
            <Text size="xs" c="dimmed">
              {reason.message}
            </Text>
          )}
        </Group>
      ))}
      {note && (
        <Text size="xs" c="dimmed">
          Note: {note}
        </Text>
      )}
      {event.resourceType === "approval_request" && <ResourceLink event={event} />}
    </Stack>
  );
}

function SessionStoryView() {
  const { sessionId } = route.useParams();
  const story = useSessionStory(sessionId);

  const header = (
    <PageHeader
      above={
        <Breadcrumbs>
          <AnchorLink to="/audit" size="sm">
            Audit log
          </AnchorLink>
          <Text size="sm">Runtime session</Text>
        </Breadcrumbs>
      }
      title={
        <>
          Session <Code fz="inherit">{sessionId}</Code>
        </>
      }
      description="One runtime session in order: the bot's decisions, the approval requests it opened and what people did with them. Times are relative to the session's first event."
      actions={
        <ButtonLink to="/audit" search={{ sessionId }} variant="default">
          Open in the audit log
        </ButtonLink>
      }
    />
  );

  if (story.isPending)
    return (
      <>
        {header}
        <LoadingBlock label="Reading the session" />
      </>
    );
  if (story.isError)
    return (
      <>
        {header}
        <ErrorBlock title="Could not load the session" error={story.error} onRetry={() => void story.refetch()} />
      </>
    );
  const { events, truncated } = story.data;
  if (events.length === 0)
    return (
      <>
        {header}
        <Paper withBorder radius="md" p="md">
          <EmptyBlock
            title="No events in this session"
            description="No decision or approval request names this session id. Runtimes send it as `sessionId` when they ask for a decision."
          />
        </Paper>
      </>
    );

  const start = new Date(events[0]!.at).getTime();
  const end = new Date(events.at(-1)!.at).getTime();
  const bots = [...new Set(events.filter((e) => e.actor.type === "bot").map((e) => e.actor.label ?? e.actor.id))];
  const refused = events.filter((e) => e.outcome !== "success").length;

  return (
    <>
      {header}
      <Stack gap="md">
        <Group gap="lg">
          <Text size="sm">
            Started <strong>{formatDateTime(events[0]!.at)}</strong>, lasted <strong>{formatOffset(end - start).slice(1)}</strong>
          </Text>
          <Text size="sm">{plural(events.length, "event")}</Text>
          {bots.length > 0 && <Text size="sm">Bot: {bots.join(", ")}</Text>}
          {refused > 0 && (
            <Badge color="red" variant="light">
              {plural(refused, "refusal")}
            </Badge>
          )}
        </Group>
        {truncated && (
          <Alert color="yellow" variant="light">
            This session has more events than the console reads at once; the first ones are shown. Filter the audit log by this session id to page through all of them.
          </Alert>
        )}
        <Paper withBorder radius="md" p="lg">
          <Timeline active={events.length - 1} bulletSize={14} lineWidth={2} data-testid="session-story">
            {events.map((event) => (
              <Timeline.Item
                key={event.id}
                color={event.outcome === "success" ? (event.sessionId === sessionId ? "blue" : "gray") : OUTCOME_COLORS[event.outcome]}
                data-testid="session-step"
                title={
                  <Group gap={8} wrap="wrap">
                    <Text span size="sm" ff="monospace" c="dimmed" w={110} title={formatDateTime(event.at)}>
                      {formatOffset(new Date(event.at).getTime() - start)}
                    </Text>
                    <ActorName actor={event.actor} />
                    <AnchorLink to="/audit/$eventId" params={{ eventId: event.id }} size="sm" c="dark" underline="always">
                      {actionLabel(event.action)}
                    </AnchorLink>
                    <OutcomeBadge outcome={event.outcome} size="sm" />
                    {event.sessionId !== sessionId && (
                      <Badge size="sm" variant="default">
                        outside the session
                      </Badge>
                    )}
                  </Group>
                }
              >
                <StepDetails event={event} />
              </Timeline.Item>
            ))}
          </Timeline>
        </Paper>
      </Stack>
    </>
  );
}
