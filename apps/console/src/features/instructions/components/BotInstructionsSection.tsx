import { Badge, Group, Stack, Table, Text } from "@mantine/core";
import { ButtonLink } from "../../../components/links.tsx";
import { ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { formatDate } from "../../../lib/format.ts";
import { useInstructionFiles } from "../queries.ts";

/** The bot page's summary of its persistent instructions: each file's version in force, and what waits for review. */
export function BotInstructionsSection({ botId }: { botId: string }) {
  const files = useInstructionFiles(botId);
  if (files.isPending) return <LoadingBlock label="Loading instructions" />;
  if (files.isError) return <ErrorBlock title="Could not load the instructions" error={files.error} onRetry={() => void files.refetch()} />;
  const open = (
    <ButtonLink to="/bots/$botId/instructions" params={{ botId }} variant="default" size="xs">
      {files.data.items.length ? "History, diffs and uploads" : "Open instructions"}
    </ButtonLink>
  );
  if (files.data.items.length === 0)
    return (
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          No persistent instruction files yet (SOUL.md, AGENTS.md, MEMORY.md, ...). The owner uploads them in the console, or the bot's runtime with its token.
        </Text>
        <Group>{open}</Group>
      </Stack>
    );
  return (
    <Stack gap="sm">
      <Table aria-label="Instruction files" verticalSpacing="xs" withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>File</Table.Th>
            <Table.Th>In force</Table.Th>
            <Table.Th>Since</Table.Th>
            <Table.Th>Review</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {files.data.items.map((f) => (
            <Table.Tr key={f.name} data-testid="instruction-file">
              <Table.Td>
                <Text ff="monospace" size="sm">
                  {f.name}
                </Text>
              </Table.Td>
              <Table.Td>
                {f.current ? (
                  <Text size="sm" title={`SHA-256 ${f.current.sha256}, uploaded by ${f.current.uploadedBy.label}`}>
                    v{f.current.version}
                  </Text>
                ) : (
                  <Text size="sm" c="dimmed">
                    None yet
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Text size="sm">{f.current ? formatDate(f.current.currentFrom) : "—"}</Text>
              </Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {f.requiresReview && (
                    <Badge size="sm" variant="light" color="blue" radius="sm">
                      Requires review
                    </Badge>
                  )}
                  {f.pending && (
                    <Badge size="sm" variant="light" color="yellow" radius="sm">
                      v{f.pending.version} waiting
                    </Badge>
                  )}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group>{open}</Group>
    </Stack>
  );
}
