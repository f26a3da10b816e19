import { ZApprovalRequest } from "@bridle/contracts";
import { z } from "zod";

/**
 * Response shapes of the approvals API that @bridle/contracts does not export yet: the API
 * declares them in apps/api/src/modules/approvals/approvals.routes.ts (ApprovalRequestPage,
 * ApprovalPreview and the count). They are built from the contract's pieces and must follow
 * those declarations until they move into packages/contracts/src/approvals.ts.
 */

export const ZApprovalRequestPage = z.object({ items: z.array(ZApprovalRequest), nextCursor: z.string().nullable(), total: z.number().int() });
export type TApprovalRequestPage = z.infer<typeof ZApprovalRequestPage>;

export const ZApprovalCount = z.object({ pending: z.number().int() });

const ZApprovalReason = ZApprovalRequest.shape.reasons.element;
export type TApprovalReason = z.infer<typeof ZApprovalReason>;
export type TApprovalEffect = z.infer<typeof ZApprovalRequest.shape.effect>;

/** POST /api/v1/approval-requests/preview: what the request would change, and what policy says. */
export const ZApprovalPreview = z.object({
  effect: ZApprovalRequest.shape.effect,
  reasons: z.array(ZApprovalReason),
  /** The bot after the change, counting only exceptions already approved. */
  goldenRule: z.object({ internalData: z.boolean(), externalCommunication: z.boolean(), violation: z.boolean() }),
  /** The change breaks the Golden Rule: it must be sent as kind golden_rule_exception. */
  becomesExceptionRequest: z.boolean(),
});
export type TApprovalPreview = z.infer<typeof ZApprovalPreview>;
