import type { TApprovalRequest } from "@bridle/contracts";
import type { MantineColor } from "@mantine/core";

type Kind = TApprovalRequest["kind"];
type Status = TApprovalRequest["status"];

export const KIND_LABELS: Record<Kind, string> = {
  scope_expansion: "Scope expansion",
  gated_action: "Gated action",
  golden_rule_exception: "Golden Rule exception",
  ownership_transfer: "Ownership transfer",
};

export const STATUS_LABELS: Record<Status, string> = {
  pending: "Pending",
  approved: "Approved",
  denied: "Denied",
  expired: "Expired",
  cancelled: "Withdrawn",
};

export const STATUS_COLORS: Record<Status, MantineColor> = {
  pending: "yellow",
  approved: "teal",
  denied: "red",
  expired: "gray",
  cancelled: "gray",
};

export const ROLE_LABELS: Record<TApprovalRequest["approverRole"], string> = {
  admin: "admin",
  security: "security",
  it: "IT",
  auditor: "auditor",
};

/** "Dual control: 1 of 2 approvals", or "0 of 1 approvals" for a single approver. */
export function progressText(request: Pick<TApprovalRequest, "approvals" | "approvalsRequired">): string {
  const count = `${request.approvals} of ${request.approvalsRequired} approvals`;
  return request.approvalsRequired === 2 ? `Dual control: ${count}` : request.approvalsRequired > 2 ? `${request.approvalsRequired}-person control: ${count}` : count;
}
