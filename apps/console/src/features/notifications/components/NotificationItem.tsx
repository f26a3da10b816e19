import { NOTIFICATION_KIND_LABELS, type TNotification } from "@bridle/contracts";
import { Badge, Box, Group, Stack, Text, UnstyledButton } from "@mantine/core";
import { useNavigate } from "@tanstack/react-router";
import { RelativeTime } from "../../../components/RelativeTime.tsx";
import { useMarkRead } from "../queries.ts";

const FROM_LABELS: Record<TNotification["from"]["type"], string> = { person: "", token: "API token ", bot: "bot ", system: "Bridle" };

/** Who caused it, in words: "Bridle", "maya.chen@acme.example", "bot acme-triage-bot". */
const fromText = (from: TNotification["from"]) => (from.type === "system" ? "Bridle" : `${FROM_LABELS[from.type]}${from.label ?? ""}`.trim());

/**
 * One notification: unread ones are marked with a dot and a bold title. Opening it marks it read
 * and goes to its page in the console (its link), when it has one.
 */
export function NotificationItem({ item, compact = false, onOpen }: { item: TNotification; compact?: boolean; onOpen?: () => void }) {
  const markRead = useMarkRead();
  const navigate = useNavigate();
  const unread = item.readAt === null;

  const open = () => {
    if (unread) markRead.mutate(item.id);
    onOpen?.();
    if (item.link) void navigate({ href: item.link });
  };

  return (
    <UnstyledButton
      onClick={open}
      w="100%"
      p={compact ? "xs" : "sm"}
      data-testid="notification-item"
      data-unread={unread ? "true" : "false"}
      aria-label={`${unread ? "Unread: " : ""}${item.title}`}
      style={{ borderRadius: "var(--mantine-radius-sm)", background: unread ? "var(--mantine-color-blue-0)" : undefined }}
    >
      <Group align="flex-start" gap="sm" wrap="nowrap">
        <Box
          mt={6}
          w={8}
          h={8}
          style={{ flexShrink: 0, borderRadius: "50%", background: unread ? "var(--mantine-color-blue-6)" : "transparent" }}
          aria-hidden
        />
        <Stack gap={2} style={{ minWidth: 0, flex: 1 }}>
          <Group justify="space-between" gap="xs" wrap="nowrap">
            <Text size="sm" fw={unread ? 700 : 500} lineClamp={compact ? 2 : undefined}>
              {item.title}
            </Text>
            <RelativeTime value={item.createdAt} size="xs" c="dimmed" />
          </Group>
          {item.body && (
            <Text size="sm" c="dimmed" lineClamp={compact ? 2 : undefined} style={{ whiteSpace: compact ? undefined : "pre-wrap" }}>
              {item.body}
            </Text>
          )}
          {!compact && (
            <Group gap="xs" mt={2}>
              <Badge size="xs" variant="light" color="gray">
                {NOTIFICATION_KIND_LABELS[item.kind]}
              </Badge>
              <Text size="xs" c="dimmed">
                from {fromText(item.from)}
              </Text>
              {item.redacted && (
                <Badge size="xs" variant="light" color="orange">
                  Secret removed
                </Badge>
              )}
            </Group>
          )}
        </Stack>
      </Group>
    </UnstyledButton>
  );
}
