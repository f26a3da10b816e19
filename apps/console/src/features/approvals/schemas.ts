import type { TApprovalRequest } from "@bridle/contracts";

export { ZApprovalCount, ZApprovalPreview, ZApprovalRequestPage, type TApprovalPreview, type TApprovalRequestPage } from "@bridle/contracts";

export type TApprovalReason = TApprovalRequest["reasons"][number];
export type TApprovalEffect = TApprovalRequest["effect"];
