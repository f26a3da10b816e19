import { Badge, Code, Table, Text } from "@mantine/core";
import { RelativeTime } from "../../../components/RelativeTime.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { humanize } from "../../../lib/format.ts";
import { useBreakGlassEvents } from "../queries.ts";

const outcomeColor = (outcome: string) => (outcome === "success" ? "teal" : outcome === "denied" || outcome === "failure" ? "red" : "gray");

/** Every use of the local bootstrap admin: sign-ins, failed attempts and what it changed. */
export function BreakGlassEvents() {
  const events = useBreakGlassEvents();

  if (events.isPending) return <LoadingBlock label="Loading break-glass account use" />;
  if (events.isError) return <ErrorBlock title="Could not load the break-glass account use" error={events.error} onRetry={() => void events.refetch()} />;
  if (events.data.length === 0) {
    return <EmptyBlock title="The break-glass account has not been used" description="Sign-ins and changes made with the local admin account show here." />;
  }
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table striped verticalSpacing="xs" aria-label="Break-glass account use">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Time</Table.Th>
            <Table.Th>Action</Table.Th>
            <Table.Th>Outcome</Table.Th>
            <Table.Th>Request id</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {events.data.map((event, index) => (
            <Table.Tr key={`${event.at}-${event.requestId ?? index}`}>
              <Table.Td>
                <RelativeTime value={event.at} />
              </Table.Td>
              <Table.Td>
                <Code>{event.action}</Code>
              </Table.Td>
              <Table.Td>
                <Badge variant="light" color={outcomeColor(event.outcome)} radius="sm">
                  {humanize(event.outcome)}
                </Badge>
              </Table.Td>
              <Table.Td>
                {event.requestId ? (
                  <Text size="xs" ff="monospace">
                    {event.requestId}
                  </Text>
                ) : (
                  <Text size="xs" c="dimmed">
                    —
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
