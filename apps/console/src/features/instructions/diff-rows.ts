import { diffLines } from "diff";

/** One line of a unified diff: kept (`same`), taken out (`del`) or put in (`add`), with its line numbers. */
export type UnifiedRow = { kind: "same" | "del" | "add"; oldNo: number | null; newNo: number | null; text: string };
/** One row of a side-by-side diff: the old line on the left, the new one on the right (null for none). */
export type SplitRow = { left: { no: number; text: string; changed: boolean } | null; right: { no: number; text: string; changed: boolean } | null };
/** A run of unchanged rows folded away, or a row to show. */
export type Folded<T> = { fold: number; from: number } | { row: T };

const linesOf = (value: string) => {
  const lines = value.split("\n");
  // A change's value ends with the newline of its last line: no empty line after it.
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
};

/**
 * The unified diff of two texts, line by line, with the `diff` package (jsdiff's `diffLines`):
 * every line of both, in order, marked kept, removed or added.
 */
export function unifiedRows(before: string, after: string): UnifiedRow[] {
  const rows: UnifiedRow[] = [];
  let oldNo = 1;
  let newNo = 1;
  for (const change of diffLines(before, after)) {
    for (const text of linesOf(change.value)) {
      if (change.added) rows.push({ kind: "add", oldNo: null, newNo: newNo++, text });
      else if (change.removed) rows.push({ kind: "del", oldNo: oldNo++, newNo: null, text });
      else rows.push({ kind: "same", oldNo: oldNo++, newNo: newNo++, text });
    }
  }
  return rows;
}

/** The same diff side by side: removed lines beside the lines added in their place. */
export function splitRows(before: string, after: string): SplitRow[] {
  const rows: SplitRow[] = [];
  const unified = unifiedRows(before, after);
  let i = 0;
  while (i < unified.length) {
    const row = unified[i]!;
    if (row.kind === "same") {
      rows.push({ left: { no: row.oldNo!, text: row.text, changed: false }, right: { no: row.newNo!, text: row.text, changed: false } });
      i++;
      continue;
    }
    const dels: UnifiedRow[] = [];
    const adds: UnifiedRow[] = [];
    while (i < unified.length && unified[i]!.kind === "del") dels.push(unified[i++]!);
    while (i < unified.length && unified[i]!.kind === "add") adds.push(unified[i++]!);
    for (let k = 0; k < Math.max(dels.length, adds.length); k++) {
      const d = dels[k];
      const a = adds[k];
      rows.push({ left: d ? { no: d.oldNo!, text: d.text, changed: true } : null, right: a ? { no: a.newNo!, text: a.text, changed: true } : null });
    }
  }
  return rows;
}

/**
 * Folds runs of unchanged rows longer than `2 * context + 1` (keeping `context` rows next to each
 * change), so a small change in a long file stays readable. `unchanged(row)` says which rows are.
 */
export function foldUnchanged<T>(rows: readonly T[], unchanged: (row: T) => boolean, context = 3): Folded<T>[] {
  const out: Folded<T>[] = [];
  let i = 0;
  while (i < rows.length) {
    if (!unchanged(rows[i]!)) {
      out.push({ row: rows[i]! });
      i++;
      continue;
    }
    let j = i;
    while (j < rows.length && unchanged(rows[j]!)) j++;
    const keepBefore = i === 0 ? 0 : context;
    const keepAfter = j === rows.length ? 0 : context;
    if (j - i > keepBefore + keepAfter + 1) {
      for (let k = i; k < i + keepBefore; k++) out.push({ row: rows[k]! });
      out.push({ fold: j - i - keepBefore - keepAfter, from: i + keepBefore });
      for (let k = j - keepAfter; k < j; k++) out.push({ row: rows[k]! });
    } else for (let k = i; k < j; k++) out.push({ row: rows[k]! });
    i = j;
  }
  return out;
}
