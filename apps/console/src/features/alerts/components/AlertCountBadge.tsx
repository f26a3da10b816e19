import { Badge } from "@mantine/core";
import { useCan } from "../../auth/permissions.tsx";
import { useAlertsSummary } from "../queries.ts";

export const ALERT_COUNT_ID = "alert-count-badge";

/** Open alerts, beside "Alerts" in the navigation (polled every 30 s); hidden at zero or when unreadable. */
export function AlertCountBadge() {
  const can = useCan();
  const summary = useAlertsSummary(can("alerts.read"));
  const open = summary.data?.open ?? 0;
  if (open === 0) return null;
  return (
    <Badge id={ALERT_COUNT_ID} size="sm" circle={open < 10} color="red" variant="filled" data-testid="alert-count" aria-label={open === 1 ? "1 open alert" : `${open} open alerts`}>
      {open > 99 ? "99+" : open}
    </Badge>
  );
}
