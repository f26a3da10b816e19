import type { TAccessReviewDecision, TAccessReviewItemSummary } from "@bridle/contracts";
import type { MantineColor } from "@mantine/core";

export const DECISION_LABELS: Record<TAccessReviewDecision, string> = { keep: "Keep", reduce: "Reduce", offboard: "Offboard" };
export const DECISION_COLORS: Record<TAccessReviewDecision, MantineColor> = { keep: "teal", reduce: "orange", offboard: "red" };

/** An item's state in a word or two, and its colour. */
export function itemState(item: Pick<TAccessReviewItemSummary, "status" | "decision" | "overdue" | "paused">): { label: string; color: MantineColor } {
  if (item.decision) return { label: DECISION_LABELS[item.decision], color: DECISION_COLORS[item.decision] };
  if (item.paused) return { label: "Overdue: gated actions paused", color: "red" };
  if (item.overdue) return { label: "Overdue", color: "red" };
  return { label: "To decide", color: "blue" };
}

export const day = (iso: string) => iso.slice(0, 10);
