import { Badge } from "@mantine/core";
import { useApprovalCount } from "../queries.ts";

export const APPROVAL_COUNT_ID = "approval-count-badge";

/**
 * The pending requests I could decide now, beside "Approvals" in the navigation (polled every
 * 30 s). Hidden at zero, and when the count cannot be read.
 */
export function ApprovalCountBadge() {
  const count = useApprovalCount();
  const pending = count.data ?? 0;
  if (pending === 0) return null;
  return (
    <Badge
      id={APPROVAL_COUNT_ID}
      size="sm"
      circle={pending < 10}
      color="orange"
      variant="filled"
      data-testid="approval-count"
      aria-label={pending === 1 ? "1 request waiting for you" : `${pending} requests waiting for you`}
    >
      {pending > 99 ? "99+" : pending}
    </Badge>
  );
}
