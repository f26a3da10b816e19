import type { TReadinessStatus, TReadinessVerdict } from "@bridle/contracts";

/** How the page names and colours each control status. */
export const STATUS_INFO: Record<TReadinessStatus, { label: string; color: string }> = {
  pass: { label: "Pass", color: "teal" },
  warn: { label: "Attention", color: "yellow" },
  fail: { label: "Fail", color: "red" },
  not_applicable: { label: "Not applicable", color: "gray" },
};

export const VERDICT_INFO: Record<TReadinessVerdict, { label: string; color: string }> = {
  ready: { label: "Ready", color: "teal" },
  attention: { label: "Needs attention", color: "yellow" },
  not_ready: { label: "Not ready", color: "red" },
};
