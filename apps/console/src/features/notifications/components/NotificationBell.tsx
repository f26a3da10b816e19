import { ActionIcon, Anchor, Badge, Box, Divider, Group, Popover, ScrollArea, Stack, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { AnchorLink } from "../../../components/links.tsx";
import { ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { useMarkAllRead, useNotifications, useUnreadCount } from "../queries.ts";
import { BellIcon } from "./BellIcon.tsx";
import { NotificationItem } from "./NotificationItem.tsx";

const LATEST = 6;

/**
 * The bell in the header: the unread count as a badge (polled every 30 s), and a panel with my
 * latest notifications; opening one marks it read and goes to its page.
 */
export function NotificationBell() {
  const [opened, { toggle, close }] = useDisclosure(false);
  const count = useUnreadCount();
  const unread = count.data ?? 0;
  const label = unread === 0 ? "Notifications" : `Notifications, ${unread} unread`;

  return (
    <Popover opened={opened} onChange={(o) => !o && close()} position="bottom-end" width={380} shadow="md" withArrow>
      <Popover.Target>
        <Box pos="relative">
          <ActionIcon variant="subtle" color="gray" size="lg" onClick={toggle} aria-label={label} aria-expanded={opened} data-testid="notification-bell">
            <BellIcon />
          </ActionIcon>
          {unread > 0 && (
            <Badge
              size="xs"
              circle={unread < 10}
              color="red"
              variant="filled"
              pos="absolute"
              top={-2}
              right={-4}
              style={{ pointerEvents: "none" }}
              data-testid="notification-count"
              aria-hidden
            >
              {unread > 99 ? "99+" : unread}
            </Badge>
          )}
        </Box>
      </Popover.Target>
      <Popover.Dropdown p={0}>{opened && <Latest unread={unread} onClose={close} />}</Popover.Dropdown>
    </Popover>
  );
}

function Latest({ unread, onClose }: { unread: number; onClose: () => void }) {
  const list = useNotifications(false, LATEST);
  const markAll = useMarkAllRead();
  const items = list.data?.pages[0]?.items ?? [];

  return (
    <Stack gap={0} role="dialog" aria-label="Latest notifications">
      <Group justify="space-between" px="sm" py="xs">
        <Text fw={600} size="sm">
          Notifications
        </Text>
        {unread > 0 && (
          <Anchor component="button" size="xs" onClick={() => markAll.mutate()} disabled={markAll.isPending}>
            Mark all read
          </Anchor>
        )}
      </Group>
      <Divider />
      {list.isPending ? (
        <LoadingBlock label="Loading notifications" />
      ) : list.isError ? (
        <Box p="sm">
          <ErrorBlock error={list.error} title="Could not load your notifications" onRetry={() => void list.refetch()} />
        </Box>
      ) : items.length === 0 ? (
        <Text size="sm" c="dimmed" p="md" ta="center" data-testid="empty-state">
          Nothing yet. Reminders and alerts for you show up here.
        </Text>
      ) : (
        <ScrollArea.Autosize mah={420}>
          <Stack gap={2} p={4}>
            {items.map((item) => (
              <NotificationItem key={item.id} item={item} compact onOpen={onClose} />
            ))}
          </Stack>
        </ScrollArea.Autosize>
      )}
      <Divider />
      <Group justify="space-between" px="sm" py="xs">
        <AnchorLink to="/notifications" size="xs" onClick={onClose}>
          See all
        </AnchorLink>
        <AnchorLink to="/notifications/preferences" size="xs" onClick={onClose}>
          Preferences
        </AnchorLink>
      </Group>
    </Stack>
  );
}
