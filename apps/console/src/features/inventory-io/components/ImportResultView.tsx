import type { TImportFieldChange, TImportRemoval, TImportResult } from "@bridle/contracts";
import { Alert, Badge, Group, Paper, SegmentedControl, Stack, Table, Text, Title } from "@mantine/core";
import { useState } from "react";
import { EmptyBlock } from "../../../components/states.tsx";

const MAX_ROWS_SHOWN = 500;
const ACTION_COLORS = { create: "teal", update: "blue", unchanged: "gray" } as const;
const ACTION_LABELS = { create: "Create", update: "Update", unchanged: "Unchanged" } as const;
export const REMOVAL_LABELS: Record<TImportRemoval["kind"], string> = {
  grant: "grant",
  channel: "channel",
  credentialReference: "credential reference",
  serviceAccount: "service account",
};

/** "2 grants, 1 channel" for a list of removals. */
export function removalSummary(removals: readonly TImportRemoval[]): string {
  const counts = new Map<TImportRemoval["kind"], number>();
  for (const r of removals) counts.set(r.kind, (counts.get(r.kind) ?? 0) + 1);
  return [...counts]
    .map(([kind, n]) => `${n} ${REMOVAL_LABELS[kind]}${n === 1 ? "" : "s"}`)
    .join(", ");
}

/** The scope one bot loses, one line each: "Removes grant github:issues:write". */
export function RemovalList({ removals }: { removals: readonly TImportRemoval[] }) {
  return (
    <Stack gap={2} data-testid="import-removals">
      {removals.map((r) => (
        <Text key={`${r.kind}:${r.value}`} size="sm" c="red.8">
          Removes {REMOVAL_LABELS[r.kind]}{" "}
          <Text span ff="monospace" size="sm" fw={600}>
            {r.value}
          </Text>
        </Text>
      ))}
    </Stack>
  );
}

/** One changed field: its name, the stored value struck through, and the file's value. */
function FieldChange({ change }: { change: TImportFieldChange }) {
  return (
    <Text size="sm" data-testid="import-change">
      <Text span ff="monospace" size="xs" fw={600}>
        {change.field}
      </Text>
      {": "}
      {change.before === null ? (
        <Text span c="dimmed" fs="italic" size="sm">
          empty
        </Text>
      ) : (
        <Text span td="line-through" c="red.8" size="sm">
          {change.before}
        </Text>
      )}
      {" → "}
      {change.after === null ? (
        <Text span c="dimmed" fs="italic" size="sm">
          empty
        </Text>
      ) : (
        <Text span c="teal.8" size="sm">
          {change.after}
        </Text>
      )}
    </Text>
  );
}

function Stat({ label, value, color }: { label: string; value: number; color: string }) {
  return (
    <Paper withBorder radius="md" p="sm" miw={130}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fz={26} fw={700} c={color}>
        {value.toLocaleString("en-US")}
      </Text>
    </Paper>
  );
}

/** What a dry run would do, or what an import did: counts, then one row per bot. */
export function ImportResultView({ result }: { result: TImportResult }) {
  const [show, setShow] = useState<"changes" | "all">("changes");
  const rows = show === "all" ? result.rows : result.rows.filter((row) => row.action !== "unchanged");
  const shown = rows.slice(0, MAX_ROWS_SHOWN);
  const { created, updated, unchanged } = result;
  const allRemovals = result.rows.flatMap((row) => row.removals);
  const botsLosingScope = result.rows.filter((row) => row.removals.length > 0).length;

  return (
    <Stack gap="md" data-testid="import-result">
      <Title order={2} fz="h4">
        {result.dryRun ? "Dry run result" : "Import result"}
      </Title>
      <Alert color={result.dryRun ? "blue" : "teal"} variant="light" role="status">
        {result.dryRun
          ? `Dry run: nothing was changed. Importing would create ${created}, update ${updated} and leave ${unchanged} unchanged.`
          : `Imported: ${created} created, ${updated} updated, ${unchanged} unchanged.`}
      </Alert>
      {allRemovals.length > 0 && (
        <Alert color="orange" variant="light" title={result.dryRun ? "This import removes scope" : "Scope removed"} data-testid="import-removal-summary">
          {result.dryRun ? "Importing would remove" : "The import removed"} {removalSummary(allRemovals)} from {botsLosingScope}{" "}
          {botsLosingScope === 1 ? "bot" : "bots"}, listed below.
        </Alert>
      )}
      <Group gap="sm">
        <Stat label={result.dryRun ? "Would create" : "Created"} value={created} color="teal.7" />
        <Stat label={result.dryRun ? "Would update" : "Updated"} value={updated} color="blue.7" />
        <Stat label="Unchanged" value={unchanged} color="gray.7" />
      </Group>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {result.rows.length.toLocaleString("en-US")} {result.rows.length === 1 ? "row" : "rows"} in the file
        </Text>
        <SegmentedControl
          size="xs"
          value={show}
          onChange={(value) => setShow(value as "changes" | "all")}
          data={[
            { value: "changes", label: "Changes only" },
            { value: "all", label: "All rows" },
          ]}
          aria-label="Rows to show"
        />
      </Group>
      {shown.length === 0 ? (
        <EmptyBlock title="Nothing to change" description="Every bot in the file matches the inventory." />
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table aria-label={result.dryRun ? "Dry run changes" : "Imported rows"} verticalSpacing="xs" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Line</Table.Th>
                <Table.Th>Bot</Table.Th>
                <Table.Th>Action</Table.Th>
                <Table.Th>Changes</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.map((row) => (
                <Table.Tr key={row.row}>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {row.line === null ? `Row ${row.row}` : `Line ${row.line}`}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {row.name}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={ACTION_COLORS[row.action]} radius="sm">
                      {ACTION_LABELS[row.action]}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    {row.changes.length === 0 ? (
                      <Text size="sm" c="dimmed">
                        {row.action === "create" ? "New bot" : "—"}
                      </Text>
                    ) : (
                      <Stack gap={4}>
                        {row.changes.map((change) => (
                          <FieldChange key={change.field} change={change} />
                        ))}
                        {row.removals.length > 0 && <RemovalList removals={row.removals} />}
                      </Stack>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {rows.length > shown.length && (
        <Text size="sm" c="dimmed">
          Showing the first {MAX_ROWS_SHOWN.toLocaleString("en-US")} of {rows.length.toLocaleString("en-US")} rows.
        </Text>
      )}
    </Stack>
  );
}
