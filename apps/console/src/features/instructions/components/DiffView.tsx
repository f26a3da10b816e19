import { Box, Button, Group, Text, UnstyledButton } from "@mantine/core";
import { useMemo, useState } from "react";
import type { CSSProperties, ReactNode } from "react";
import { foldUnchanged, splitRows, unifiedRows, type Folded } from "../diff-rows.ts";

const MONO: CSSProperties = { fontFamily: "var(--mantine-font-family-monospace)", fontSize: 12, lineHeight: "18px" };
const CELL: CSSProperties = { whiteSpace: "pre-wrap", overflowWrap: "anywhere", padding: "0 8px" };
const NO: CSSProperties = { width: 44, textAlign: "right", padding: "0 6px", color: "var(--mantine-color-dimmed)", userSelect: "none", verticalAlign: "top" };
const BG = { add: "var(--mantine-color-teal-0)", del: "var(--mantine-color-red-0)", same: undefined } as const;
const SIGN = { add: "+", del: "-", same: " " } as const;

/**
 * The difference between two versions of a file, unified (one column, - and + lines) or side by
 * side (old left, new right), with unchanged stretches folded until asked for.
 */
export function DiffView({ before, after, mode, label }: { before: string; after: string; mode: "unified" | "split"; label: string }) {
  const [expanded, setExpanded] = useState(false);
  const unified = useMemo(() => unifiedRows(before, after), [before, after]);
  const split = useMemo(() => splitRows(before, after), [before, after]);
  const changes = unified.filter((r) => r.kind !== "same").length;
  const fold = <T,>(rows: T[], same: (row: T) => boolean): Folded<T>[] => (expanded ? rows.map((row) => ({ row })) : foldUnchanged(rows, same));
  const folded = (n: number, key: string, cols: number): ReactNode => (
    <tr key={key}>
      <td colSpan={cols} style={{ background: "var(--mantine-color-gray-0)", textAlign: "center" }}>
        <UnstyledButton onClick={() => setExpanded(true)} style={{ ...MONO, color: "var(--mantine-color-blue-7)", padding: "2px 0" }}>
          {n} unchanged {n === 1 ? "line" : "lines"}: show
        </UnstyledButton>
      </td>
    </tr>
  );

  if (changes === 0)
    return (
      <Text size="sm" c="dimmed" data-testid="diff-none">
        The two versions have the same content.
      </Text>
    );
  return (
    <Box style={{ border: "1px solid var(--mantine-color-gray-3)", borderRadius: "var(--mantine-radius-sm)", overflowX: "auto" }}>
      <Group justify="space-between" px="sm" py={4} style={{ borderBottom: "1px solid var(--mantine-color-gray-3)", background: "var(--mantine-color-gray-0)" }}>
        <Text size="xs" c="dimmed">
          {unified.filter((r) => r.kind === "add").length} added, {unified.filter((r) => r.kind === "del").length} removed
        </Text>
        {expanded && (
          <Button size="compact-xs" variant="subtle" onClick={() => setExpanded(false)}>
            Fold unchanged lines
          </Button>
        )}
      </Group>
      <table style={{ ...MONO, borderCollapse: "collapse", width: "100%" }} aria-label={label} data-testid="diff">
        <tbody>
          {mode === "unified"
            ? fold(unified, (r) => r.kind === "same").map((f, i) =>
                "fold" in f ? (
                  folded(f.fold, `f${i}`, 4)
                ) : (
                  <tr key={i} style={{ background: BG[f.row.kind] }} data-kind={f.row.kind}>
                    <td style={NO}>{f.row.oldNo ?? ""}</td>
                    <td style={NO}>{f.row.newNo ?? ""}</td>
                    <td style={{ width: 14, color: f.row.kind === "add" ? "var(--mantine-color-teal-8)" : "var(--mantine-color-red-8)", userSelect: "none" }}>{SIGN[f.row.kind]}</td>
                    <td style={CELL}>{f.row.text}</td>
                  </tr>
                ),
              )
            : fold(split, (r) => !r.left?.changed && !r.right?.changed).map((f, i) =>
                "fold" in f ? (
                  folded(f.fold, `f${i}`, 4)
                ) : (
                  <tr key={i}>
                    <td style={{ ...NO, background: f.row.left?.changed ? BG.del : undefined }}>{f.row.left?.no ?? ""}</td>
                    <td style={{ ...CELL, width: "50%", background: f.row.left ? (f.row.left.changed ? BG.del : undefined) : "var(--mantine-color-gray-1)", borderRight: "1px solid var(--mantine-color-gray-3)" }} data-kind={f.row.left?.changed ? "del" : "same"}>
                      {f.row.left?.text ?? ""}
                    </td>
                    <td style={{ ...NO, background: f.row.right?.changed ? BG.add : undefined }}>{f.row.right?.no ?? ""}</td>
                    <td style={{ ...CELL, width: "50%", background: f.row.right ? (f.row.right.changed ? BG.add : undefined) : "var(--mantine-color-gray-1)" }} data-kind={f.row.right?.changed ? "add" : "same"}>
                      {f.row.right?.text ?? ""}
                    </td>
                  </tr>
                ),
              )}
        </tbody>
      </table>
    </Box>
  );
}
