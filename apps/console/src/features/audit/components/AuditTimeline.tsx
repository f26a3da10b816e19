import type { TAuditEvent } from "@bridle/contracts";
import { Box, Group, Stack, Text, Title } from "@mantine/core";
import { AnchorLink } from "../../../components/links.tsx";
import { actionLabel } from "../labels.ts";
import { ActorName, OutcomeBadge, ResourceLink } from "./AuditBits.tsx";

const dayFormat = new Intl.DateTimeFormat("en-GB", { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });

/** `Monday, 30 November 2026` for a UTC calendar day (the console shows dates in UTC). */
export const dayLabel = (day: string): string => dayFormat.format(new Date(`${day}T00:00:00.000Z`));

/** `14:03:27`, UTC. */
export const timeOfDay = (at: string): string => new Date(at).toISOString().slice(11, 19);

/** Events grouped by UTC day, keeping their order (newest first as the API sends them). */
export function groupByDay(events: TAuditEvent[]): { day: string; events: TAuditEvent[] }[] {
  const groups: { day: string; events: TAuditEvent[] }[] = [];
  for (const event of events) {
    const day = new Date(event.at).toISOString().slice(0, 10);
    const last = groups.at(-1);
    if (last && last.day === day) last.events.push(event);
    else groups.push({ day, events: [event] });
  }
  return groups;
}

/** One line: time, who, what (linking to the event's page), on what, and how it ended. Refusals stand out. */
export function AuditLine({ event, time }: { event: TAuditEvent; time?: string }) {
  const refused = event.outcome !== "success";
  return (
    <Box
      component="li"
      data-testid="audit-line"
      data-outcome={event.outcome}
      px="sm"
      py={8}
      style={{
        listStyle: "none",
        borderLeft: `3px solid ${refused ? `var(--mantine-color-${event.outcome === "denied" ? "red" : "orange"}-6)` : "transparent"}`,
        background: refused ? `var(--mantine-color-${event.outcome === "denied" ? "red" : "orange"}-0)` : undefined,
        borderBottom: "1px solid var(--mantine-color-gray-2)",
      }}
    >
      <Group gap="sm" wrap="nowrap" align="flex-start">
        <Text size="sm" c="dimmed" ff="monospace" w={72} style={{ flexShrink: 0 }}>
          <time dateTime={event.at}>{time ?? timeOfDay(event.at)}</time>
        </Text>
        <Group gap={6} style={{ flex: 1, minWidth: 0, rowGap: 2 }}>
          <ActorName actor={event.actor} />
          <AnchorLink to="/audit/$eventId" params={{ eventId: event.id }} size="sm" c="dark" underline="always">
            {actionLabel(event.action)}
          </AnchorLink>
          <Text span size="sm" c="dimmed">
            ·
          </Text>
          <ResourceLink event={event} />
          <Text span size="xs" c="dimmed" ff="monospace">
            {event.action}
          </Text>
        </Group>
        <OutcomeBadge outcome={event.outcome} style={{ flexShrink: 0 }} />
      </Group>
    </Box>
  );
}

/** The audit log as a timeline: one section per UTC day, newest first. */
export function AuditTimeline({ events }: { events: TAuditEvent[] }) {
  return (
    <Stack gap="lg" data-testid="audit-timeline">
      {groupByDay(events).map((group) => (
        <Box component="section" key={group.day} aria-label={dayLabel(group.day)}>
          <Group gap="xs" mb={6} align="baseline">
            <Title order={2} fz="h5">
              {dayLabel(group.day)}
            </Title>
            <Text size="xs" c="dimmed">
              {group.events.length} {group.events.length === 1 ? "event" : "events"}
            </Text>
          </Group>
          <Box component="ol" m={0} p={0} style={{ border: "1px solid var(--mantine-color-gray-3)", borderRadius: "var(--mantine-radius-md)", overflow: "hidden" }}>
            {group.events.map((event) => (
              <AuditLine key={event.id} event={event} />
            ))}
          </Box>
        </Box>
      ))}
    </Stack>
  );
}
