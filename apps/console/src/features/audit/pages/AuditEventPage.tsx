import type { TAuditEvent } from "@bridle/contracts";
import { Alert, Breadcrumbs, Code, Group, Paper, SimpleGrid, Spoiler, Stack, Text, Title } from "@mantine/core";
import { getRouteApi } from "@tanstack/react-router";
import type { ReactNode } from "react";
import { AnchorLink } from "../../../components/links.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { RelativeTime } from "../../../components/RelativeTime.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { isApiError } from "../../../lib/api.ts";
import { Fact, FactList, NotSet } from "../../bots/components/FactList.tsx";
import { RequirePermission } from "../../auth/permissions.tsx";
import { ActorName, OutcomeBadge, ResourceLink } from "../components/AuditBits.tsx";
import { ChangeTable, DetailFacts, ValueView } from "../components/ChangeView.tsx";
import { changeOf, policyVersions } from "../diff.ts";
import { ACTOR_TYPE_LABELS, actionLabel, resourceTypeLabel } from "../labels.ts";
import { useAuditEvent } from "../queries.ts";
import { IncidentActions } from "../../incidents/components/IncidentActions.tsx";

const route = getRouteApi("/audit/$eventId");

function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-label={title} data-testid={testId}>
      <Title order={2} fz="h4" mb="md">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

/** One audit event (`audit.read`): every field, and what changed, before and after. */
export function AuditEventPage() {
  return (
    <RequirePermission permission="audit.read">
      <AuditEventView />
    </RequirePermission>
  );
}

function AuditEventView() {
  const { eventId } = route.useParams();
  const query = useAuditEvent(eventId);
  if (query.isPending) return <LoadingBlock label="Loading the audit event" />;
  if (query.isError) {
    if (isApiError(query.error) && (query.error.status === 404 || query.error.status === 400))
      return (
        <EmptyBlock
          title="No such audit event"
          description="The link may be mistyped, or the event is older than the organization's audit retention."
          action={<AnchorLink to="/audit">Back to the audit log</AnchorLink>}
        />
      );
    return <ErrorBlock title="Could not load the audit event" error={query.error} onRetry={() => void query.refetch()} />;
  }
  return <EventDetails event={query.data} />;
}

/** The "Changed fields" of events that name fields without their values (older `bot.update` events). */
const changedFieldNames = (details: Record<string, unknown>): string[] | null =>
  Array.isArray(details.changed) && details.changed.every((f) => typeof f === "string") ? (details.changed as string[]) : null;

function EventDetails({ event }: { event: TAuditEvent }) {
  const change = changeOf(event.details);
  const named = change ? null : changedFieldNames(event.details);
  const versions = event.action === "policy.update" ? policyVersions(event.details) : null;
  const others = Object.fromEntries(
    Object.entries(event.details).filter(([key]) => !(change?.usedKeys.includes(key) ?? false) && !(named && key === "changed")),
  );
  const actorLabel = event.actor.label ?? (event.actor.type === "system" ? "Bridle" : "Someone");

  return (
    <>
      <PageHeader
        above={
          <Breadcrumbs>
            <AnchorLink to="/audit" size="sm">
              Audit log
            </AnchorLink>
            <Text size="sm" ff="monospace">
              {event.action}
            </Text>
          </Breadcrumbs>
        }
        title={`${actorLabel} ${actionLabel(event.action)}`}
        description={
          <>
            {new Date(event.at).toISOString().replace("T", " ").slice(0, 19)} UTC · event #{event.seq}
          </>
        }
        actions={
          <Group gap="sm">
            <IncidentActions event={event} />
            <OutcomeBadge outcome={event.outcome} size="lg" data-testid="audit-outcome" />
          </Group>
        }
      />
      <Stack gap="lg">
        {event.outcome === "denied" && (
          <Alert color="red" variant="light" title="A refused attempt">
            Bridle refused this. Nothing changed; the attempt is recorded so it can be reviewed.
          </Alert>
        )}
        {versions && versions.after !== null && (
          <Alert color="blue" variant="light" data-testid="policy-version-change" title={`Org policy version ${versions.before ?? "?"} → ${versions.after}`}>
            {actorLabel} changed the org policy from version {versions.before ?? "(not recorded)"} to version {versions.after}.
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
          <Section title="Who and what" testId="audit-who">
            <FactList>
              <Fact label="Actor">
                <ActorName actor={event.actor} />
              </Fact>
              <Fact label="Actor type">{ACTOR_TYPE_LABELS[event.actor.type]}</Fact>
              <Fact label="Actor id">{event.actor.id ? <Code>{event.actor.id}</Code> : <NotSet />}</Fact>
              <Fact label="Action">
                {actionLabel(event.action)} <Code>{event.action}</Code>
              </Fact>
              <Fact label="Resource">
                <Stack gap={2}>
                  <ResourceLink event={event} />
                  <Text size="xs" c="dimmed">
                    {resourceTypeLabel(event.resourceType)} <Code fz="xs">{event.resourceType}</Code>
                    {event.resourceId && (
                      <>
                        {" "}
                        <Code fz="xs">{event.resourceId}</Code>
                      </>
                    )}
                  </Text>
                </Stack>
              </Fact>
              <Fact label="Outcome">
                <OutcomeBadge outcome={event.outcome} />
              </Fact>
            </FactList>
          </Section>
          <Section title="When and from where" testId="audit-where">
            <FactList>
              <Fact label="When">
                <Group gap="xs">
                  <Text size="sm">{new Date(event.at).toISOString().replace("T", " ").replace("Z", " UTC")}</Text>
                  <RelativeTime value={event.at} c="dimmed" />
                </Group>
              </Fact>
              <Fact label="Source IP">{event.sourceIp ? <Code>{event.sourceIp}</Code> : <NotSet label="Not recorded" />}</Fact>
              <Fact label="User agent">{event.userAgent ? <Text size="sm" style={{ overflowWrap: "anywhere" }}>{event.userAgent}</Text> : <NotSet label="Not recorded" />}</Fact>
              <Fact label="Request id">
                {event.requestId ? (
                  <AnchorLink to="/audit" search={{ requestId: event.requestId }} size="sm" ff="monospace" data-testid="audit-request-link">
                    {event.requestId}
                  </AnchorLink>
                ) : (
                  <NotSet label="None (not from an HTTP request)" />
                )}
              </Fact>
              <Fact label="Runtime session">
                {event.sessionId ? (
                  <AnchorLink to="/audit/sessions/$sessionId" params={{ sessionId: event.sessionId }} size="sm" ff="monospace" data-testid="audit-session-link">
                    {event.sessionId}
                  </AnchorLink>
                ) : (
                  <NotSet label="None" />
                )}
              </Fact>
            </FactList>
          </Section>
        </SimpleGrid>
        {change && (
          <Section title="What changed" testId="audit-change">
            <ChangeTable change={change} />
          </Section>
        )}
        {named && (
          <Section title="What changed" testId="audit-change">
            <Stack gap="xs">
              <Text size="sm">Fields changed (this event records their names, not their values):</Text>
              <ValueView value={named} />
            </Stack>
          </Section>
        )}
        <Section title={change || named ? "Other details" : "Details"} testId="audit-details">
          <Stack gap="md">
            <DetailFacts details={others} />
            <Spoiler maxHeight={0} showLabel="Show the raw event (JSON)" hideLabel="Hide the raw event">
              <Code block fz="xs" data-testid="audit-raw">
                {JSON.stringify(event, null, 2)}
              </Code>
            </Spoiler>
          </Stack>
        </Section>
      </Stack>
    </>
  );
}
