import { Button, Group, Paper, SegmentedControl, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { ButtonLink } from "../../../components/links.tsx";
import { MutationErrorAlert } from "../../../components/MutationErrorAlert.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { plural } from "../../../lib/format.ts";
import { NotificationItem } from "../components/NotificationItem.tsx";
import { useMarkAllRead, useNotifications } from "../queries.ts";

/** My notifications: reminders and alerts addressed to me, newest first. Opening one marks it read. */
export function NotificationsPage() {
  const [show, setShow] = useState<"all" | "unread">("all");
  const list = useNotifications(show === "unread");
  const markAll = useMarkAllRead();
  // unknown until the first page arrives: the summary and "Mark all read" wait for it rather than say "All read"
  const unread = list.data?.pages[0]?.unread;
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];

  const body = () => {
    if (list.isPending) return <LoadingBlock label="Loading notifications" />;
    if (list.isError) return <ErrorBlock title="Could not load your notifications" error={list.error} onRetry={() => void list.refetch()} />;
    if (items.length === 0)
      return show === "unread" ? (
        <EmptyBlock title="Nothing unread" description="You have read every notification." />
      ) : (
        <EmptyBlock
          title="No notifications yet"
          description="Reminders and alerts for you (offboarding cases, access reviews, credential rotations, leaks) show up here, and by email or in chat if you choose."
          action={
            <ButtonLink to="/notifications/preferences" variant="default">
              Choose channels
            </ButtonLink>
          }
        />
      );
    return (
      <Stack gap={4}>
        {items.map((item) => (
          <NotificationItem key={item.id} item={item} />
        ))}
        {list.hasNextPage && (
          <Group justify="center" mt="sm">
            <Button variant="default" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
              Show older
            </Button>
          </Group>
        )}
      </Stack>
    );
  };

  return (
    <>
      <PageHeader
        title="Notifications"
        description="Reminders and alerts for you. Opening one marks it read."
        actions={
          <>
            <ButtonLink to="/notifications/preferences" variant="default">
              Preferences
            </ButtonLink>
            <Button onClick={() => markAll.mutate()} loading={markAll.isPending} disabled={!unread}>
              Mark all read
            </Button>
          </>
        }
      />
      {markAll.isError && <MutationErrorAlert error={markAll.error} title="Could not mark them read" />}
      <Paper withBorder radius="md" p="lg">
        <Group justify="space-between" mb="md">
          <SegmentedControl
            value={show}
            onChange={(v) => setShow(v as "all" | "unread")}
            data={[
              { value: "all", label: "All" },
              { value: "unread", label: "Unread" },
            ]}
            aria-label="Show"
          />
          <Text size="sm" c="dimmed" data-testid="unread-summary">
            {unread === undefined ? "" : unread === 0 ? "All read" : plural(unread, "unread notification")}
          </Text>
        </Group>
        {body()}
      </Paper>
    </>
  );
}
