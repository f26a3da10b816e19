import type { TApprovalRequest } from "@bridle/contracts";
import { Badge } from "@mantine/core";
import type { BadgeProps } from "@mantine/core";
import { KIND_LABELS, STATUS_COLORS, STATUS_LABELS } from "../labels.ts";

export function ApprovalStatusBadge({ status, ...props }: { status: TApprovalRequest["status"] } & BadgeProps & { "data-testid"?: string }) {
  return (
    <Badge variant="light" radius="sm" color={STATUS_COLORS[status]} style={{ minWidth: "max-content" }} {...props}>
      {STATUS_LABELS[status]}
    </Badge>
  );
}

export function ApprovalKindBadge({ kind }: { kind: TApprovalRequest["kind"] }) {
  return (
    <Badge variant="default" radius="sm" tt="none" fw={500} style={{ minWidth: "max-content" }}>
      {KIND_LABELS[kind]}
    </Badge>
  );
}
