import type { TAlertStatus } from "@bridle/contracts";
import { Badge } from "@mantine/core";

const COLORS: Record<TAlertStatus, string> = { open: "red", acknowledged: "orange", snoozed: "gray", resolved: "teal" };
const LABELS: Record<TAlertStatus, string> = { open: "Open", acknowledged: "Acknowledged", snoozed: "Snoozed", resolved: "Resolved" };

export function AlertStatusBadge({ status }: { status: TAlertStatus }) {
  return (
    <Badge color={COLORS[status]} variant="light" radius="sm">
      {LABELS[status]}
    </Badge>
  );
}
