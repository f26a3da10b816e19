import type { TApprovalRequest } from "@bridle/contracts";
import { Text, ThemeIcon, Timeline } from "@mantine/core";
import type { MantineColor } from "@mantine/core";
import type { ReactNode } from "react";
import { RelativeTime } from "../../../components/RelativeTime.tsx";
import { formatDateTime } from "../../../lib/format.ts";

type Entry = { key: string; color: MantineColor; title: ReactNode; body?: ReactNode; at: string };

function entries(request: TApprovalRequest): Entry[] {
  const list: Entry[] = [
    {
      key: "created",
      color: "blue",
      title: `Requested by ${request.requester.label}${request.requester.type === "bot" ? " (the bot's runtime)" : ""}`,
      body: request.justification ? `“${request.justification}”` : undefined,
      at: request.createdAt,
    },
  ];
  for (const review of request.reviews) {
    list.push({
      key: `review-${review.reviewer.id}`,
      color: review.decision === "approve" ? "teal" : "red",
      title: `${review.decision === "approve" ? "Approved" : "Denied"} by ${review.reviewer.displayName} (${review.reviewer.email})`,
      body: review.note ? `Note: ${review.note}` : "No note",
      at: review.at,
    });
  }
  if (request.status === "approved" && request.decidedAt)
    list.push({
      key: "decided",
      color: "teal",
      title: request.kind === "gated_action" ? "Approved: the runtime may act once" : "Approved and applied to the bot",
      at: request.decidedAt,
    });
  // A deny ends the request at once: its review above already says so.
  if (request.status === "denied" && request.decidedAt && !request.reviews.some((review) => review.decision === "deny"))
    list.push({ key: "decided", color: "red", title: "Denied", at: request.decidedAt });
  if (request.status === "cancelled" && request.decidedAt)
    list.push({ key: "decided", color: "gray", title: "Withdrawn by the requester", at: request.decidedAt });
  if (request.status === "expired")
    list.push({ key: "expired", color: "gray", title: "Expired without a decision", at: request.decidedAt ?? request.expiresAt });
  if (request.consumedAt) list.push({ key: "consumed", color: "grape", title: "Used by the bot's runtime", at: request.consumedAt });
  return list.sort((a, b) => a.at.localeCompare(b.at));
}

/** Created, each review with its note, and how it ended (decided, withdrawn, expired). */
export function RequestHistory({ request }: { request: TApprovalRequest }) {
  const items = entries(request);
  return (
    <Timeline bulletSize={14} lineWidth={2} active={items.length - 1} aria-label="History">
      {items.map((entry) => (
        <Timeline.Item key={entry.key} bullet={<ThemeIcon size={14} radius="xl" color={entry.color} aria-hidden />} title={<Text size="sm" fw={600}>{entry.title}</Text>}>
          {entry.body && (
            <Text size="sm" c="dimmed" style={{ whiteSpace: "pre-wrap" }}>
              {entry.body}
            </Text>
          )}
          <Text size="xs" c="dimmed" mt={2} component="div">
            <RelativeTime value={entry.at} size="xs" c="dimmed" span /> · {formatDateTime(entry.at)}
          </Text>
        </Timeline.Item>
      ))}
      {request.status === "pending" && (
        <Timeline.Item bullet={<ThemeIcon size={14} radius="xl" color="gray" variant="outline" aria-hidden />} title={<Text size="sm" c="dimmed">Waiting for a decision</Text>}>
          <Text size="xs" c="dimmed">
            Expires {formatDateTime(request.expiresAt)}
          </Text>
        </Timeline.Item>
      )}
    </Timeline>
  );
}
