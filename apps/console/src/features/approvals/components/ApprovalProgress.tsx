import type { TApprovalRequest } from "@bridle/contracts";
import { Progress, Stack, Text } from "@mantine/core";
import { progressText } from "../labels.ts";

/** "Dual control: 1 of 2 approvals" with a bar; `compact` for table cells. */
export function ApprovalProgress({ request, compact = false }: { request: TApprovalRequest; compact?: boolean }) {
  const { approvals, approvalsRequired } = request;
  const text = progressText(request);
  const value = approvalsRequired > 0 ? Math.min(100, (approvals / approvalsRequired) * 100) : 0;
  const color = request.status === "approved" ? "teal" : request.status === "denied" ? "red" : "blue";
  if (compact) {
    return (
      <Stack gap={4} w={64} title={text}>
        <Text size="sm" style={{ whiteSpace: "nowrap" }}>
          {approvals} / {approvalsRequired}
        </Text>
        <Progress value={value} color={color} size="sm" aria-label={text} />
      </Stack>
    );
  }
  return (
    <Stack gap={6} data-testid="approval-progress">
      <Text size="sm" fw={600}>
        {text}
      </Text>
      <Progress value={value} color={color} size="lg" radius="sm" aria-label={text} />
    </Stack>
  );
}
