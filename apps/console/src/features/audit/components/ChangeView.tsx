import { Badge, Code, Group, Stack, Table, Text } from "@mantine/core";
import { diffWords } from "diff";
import { AnchorLink } from "../../../components/links.tsx";
import { Fact, FactList, NotSet } from "../../bots/components/FactList.tsx";
import type { Change, FieldChange } from "../diff.ts";

const isPlain = (value: unknown) => value === null || ["string", "number", "boolean"].includes(typeof value);

/** One recorded value, readable: text as is, lists of words as tags, records as indented JSON. */
export function ValueView({ value }: { value: unknown }) {
  if (value === undefined) return <NotSet label="—" />;
  if (value === null) return <NotSet label="none" />;
  if (typeof value === "boolean") return <Text span size="sm">{value ? "yes" : "no"}</Text>;
  if (typeof value === "string" || typeof value === "number")
    return (
      <Text span size="sm" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
        {String(value)}
      </Text>
    );
  if (Array.isArray(value) && value.every((item) => typeof item === "string" || typeof item === "number")) {
    if (value.length === 0) return <NotSet label="empty list" />;
    return (
      <Group gap={4}>
        {value.map((item, index) => (
          <Badge key={`${String(item)}-${index}`} variant="default" radius="sm" tt="none" fw={500}>
            {String(item)}
          </Badge>
        ))}
      </Group>
    );
  }
  return (
    <Code block fz="xs" style={{ maxWidth: "100%", overflowX: "auto" }}>
      {JSON.stringify(value, null, 2)}
    </Code>
  );
}

const KIND_LABELS: Record<FieldChange["kind"], { label: string; color: string }> = {
  added: { label: "set", color: "teal" },
  removed: { label: "removed", color: "red" },
  changed: { label: "changed", color: "blue" },
};

const MARK = {
  before: { background: "var(--mantine-color-red-2)", color: "var(--mantine-color-red-9)", textDecoration: "line-through" },
  after: { background: "var(--mantine-color-teal-2)", color: "var(--mantine-color-teal-9)" },
} as const;

/** A text changed into another: each side whole, the words taken out (before) or put in (after) marked. */
function WordDiff({ before, after, side }: { before: string; after: string; side: "before" | "after" }) {
  const parts = diffWords(before, after).filter((part) => (side === "before" ? !part.added : !part.removed));
  return (
    <Text span size="sm" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
      {parts.map((part, index) =>
        part.added || part.removed ? (
          <mark key={index} style={{ ...MARK[side], borderRadius: 2, padding: "0 1px" }}>
            {part.value}
          </mark>
        ) : (
          <span key={index}>{part.value}</span>
        ),
      )}
    </Text>
  );
}

const isWordList = (value: unknown): value is (string | number)[] =>
  Array.isArray(value) && value.every((item) => typeof item === "string" || typeof item === "number");

/** A list changed into another: the items taken out (before) or put in (after) marked. */
function ListDiff({ before, after, side }: { before: (string | number)[]; after: (string | number)[]; side: "before" | "after" }) {
  const shown = side === "before" ? before : after;
  const other = new Set((side === "before" ? after : before).map(String));
  if (shown.length === 0) return <NotSet label="empty list" />;
  return (
    <Group gap={4}>
      {shown.map((item, index) => {
        const changed = !other.has(String(item));
        return (
          <Badge
            key={`${String(item)}-${index}`}
            variant={changed ? "filled" : "default"}
            color={changed ? (side === "before" ? "red" : "teal") : undefined}
            radius="sm"
            fw={500}
            data-changed={changed || undefined}
            title={changed ? (side === "before" ? "taken out" : "put in") : undefined}
          >
            {changed ? (side === "before" ? "− " : "+ ") : ""}
            {String(item)}
          </Badge>
        );
      })}
    </Group>
  );
}

/** One side of a changed field: words and list items that differ are marked; anything else shown whole. */
function SideValue({ row, side }: { row: FieldChange; side: "before" | "after" }) {
  const value = side === "before" ? row.before : row.after;
  if (side === "before" && row.beforeUnknown) return <NotSet label="not recorded" />;
  if (typeof row.before === "string" && typeof row.after === "string") return <WordDiff before={row.before} after={row.after} side={side} />;
  if (isWordList(row.before) && isWordList(row.after)) return <ListDiff before={row.before} after={row.after} side={side} />;
  if (value !== undefined && value !== null && isPlain(value))
    return (
      <Text span size="sm" fw={600} c={side === "before" ? "red.9" : "teal.9"} td={side === "before" ? "line-through" : undefined}>
        {typeof value === "boolean" ? (value ? "yes" : "no") : String(value)}
      </Text>
    );
  return <ValueView value={value} />;
}

/** The change field by field: before and after side by side, what differs marked. */
export function ChangeTable({ change }: { change: Change }) {
  if (change.rows.length === 0) return <Text size="sm" c="dimmed">The event records the change, but no field differs.</Text>;
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table verticalSpacing="sm" layout="fixed" data-testid="audit-diff" aria-label="Change, field by field">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w="22%">Field</Table.Th>
            <Table.Th w="39%">Before</Table.Th>
            <Table.Th w="39%">After</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {change.rows.map((row) => (
            <Table.Tr key={row.field} data-field={row.field}>
              <Table.Td style={{ verticalAlign: "top" }}>
                <Stack gap={2}>
                  <Text size="sm" ff="monospace" fw={600} style={{ overflowWrap: "anywhere" }}>
                    {row.field}
                  </Text>
                  <Badge size="xs" variant="light" color={KIND_LABELS[row.kind].color} w="fit-content">
                    {KIND_LABELS[row.kind].label}
                  </Badge>
                </Stack>
              </Table.Td>
              <Table.Td style={{ verticalAlign: "top" }} data-side="before">
                <SideValue row={row} side="before" />
              </Table.Td>
              <Table.Td style={{ verticalAlign: "top" }} data-side="after">
                <SideValue row={row} side="after" />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A detail's value; the ids of a bot or an approval request link to their pages. */
function DetailValue({ name, value }: { name: string; value: unknown }) {
  if (typeof value === "string" && UUID.test(value)) {
    if (name === "botId") return <AnchorLink to="/bots/$botId" params={{ botId: value }} size="sm" ff="monospace">{value}</AnchorLink>;
    if (name === "approvalRequestId") return <AnchorLink to="/approvals/$requestId" params={{ requestId: value }} size="sm" ff="monospace">{value}</AnchorLink>;
  }
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const { before, after, ...rest } = value as Record<string, unknown>;
    if (Object.keys(rest).length === 0 && isPlain(before) && isPlain(after) && before !== undefined && after !== undefined)
      return (
        <Text span size="sm">
          {String(before)} → {String(after)}
        </Text>
      );
  }
  return <ValueView value={value} />;
}

/** The details an event recorded besides its change, as label / value pairs. */
export function DetailFacts({ details }: { details: Record<string, unknown> }) {
  const entries = Object.entries(details);
  if (entries.length === 0) return <Text size="sm" c="dimmed">No other details.</Text>;
  return (
    <FactList>
      {entries.map(([key, value]) => (
        <Fact key={key} label={key}>
          <DetailValue name={key} value={value} />
        </Fact>
      ))}
    </FactList>
  );
}
