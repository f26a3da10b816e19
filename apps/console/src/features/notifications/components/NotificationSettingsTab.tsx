import { webhookUrlProblem, type TDeliveryStatus, type TNotificationDelivery, type TNotificationSettings } from "@bridle/contracts";
import { Alert, Badge, Button, Code, Group, Paper, SegmentedControl, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import type { MantineColor } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import type { FormEvent } from "react";
import { ConfirmDialog } from "../../../components/ConfirmDialog.tsx";
import { MutationErrorAlert } from "../../../components/MutationErrorAlert.tsx";
import { RelativeTime } from "../../../components/RelativeTime.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { errorLookup, formIssues } from "../../../lib/form-errors.ts";
import { useDeliveries, useNotificationSettings, useRetryDelivery, useUpdateNotificationSettings } from "../queries.ts";

/** The org's notification channels (admins, `notifications.manage`): email as configured, the chat webhook, and deliveries. */
export function NotificationSettingsTab() {
  const settings = useNotificationSettings();
  if (settings.isPending) return <LoadingBlock label="Loading notification settings" />;
  if (settings.isError) return <ErrorBlock title="Could not load the notification settings" error={settings.error} onRetry={() => void settings.refetch()} />;
  return (
    <Stack gap="lg">
      <EmailPanel settings={settings.data} />
      <WebhookPanel settings={settings.data} />
      <DeliveriesPanel counts={settings.data.deliveries} />
    </Stack>
  );
}

function EmailPanel({ settings }: { settings: TNotificationSettings }) {
  const { email } = settings;
  return (
    <Paper withBorder radius="md" p="lg">
      <Title order={2} fz="h4" mb="xs">
        Email
      </Title>
      {email.configured ? (
        <Text size="sm">
          Sent through <Code>{email.server}</Code> from <Code>{email.from}</Code>. Each person chooses which notifications reach them by email.
        </Text>
      ) : (
        <Text size="sm" c="dimmed" data-testid="email-off">
          Email is off: the server has no <Code>BRIDLE_SMTP_URL</Code>. Set it (and <Code>BRIDLE_MAIL_FROM</Code>) in the server's environment and restart to turn it on.
        </Text>
      )}
    </Paper>
  );
}

function WebhookPanel({ settings }: { settings: TNotificationSettings }) {
  const update = useUpdateNotificationSettings();
  const [url, setUrl] = useState("");
  const [touched, setTouched] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const { webhook } = settings;
  const problem = url.trim() ? webhookUrlProblem(url.trim()) : null;
  const errorAt = errorLookup(formIssues(update.error));

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setTouched(true);
    if (!url.trim() || problem) return;
    update.mutate(url.trim(), {
      onSuccess: () => {
        setUrl("");
        setTouched(false);
        notifications.show({ color: "teal", title: "Webhook saved", message: "People who choose the chat webhook get their notifications there." });
      },
    });
  };

  return (
    <Paper withBorder radius="md" p="lg">
      <Title order={2} fz="h4" mb="xs">
        Chat webhook
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        A Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat). Bridle posts <Code>{"{ text, blocks }"}</Code> there, once per notification, when someone it is for keeps the webhook
        on. The URL is a secret: it is stored encrypted and never shown again, only a hint.
      </Text>
      {webhook.configured ? (
        <Group gap="sm" mb="md">
          <Badge color="teal" variant="light">
            Set
          </Badge>
          <Code data-testid="webhook-hint">{webhook.hint}</Code>
          <Text size="xs" c="dimmed">
            by {webhook.updatedBy ?? "someone no longer here"}
          </Text>
          <RelativeTime value={webhook.updatedAt} size="xs" c="dimmed" />
          <Button size="xs" variant="subtle" color="red" onClick={() => setConfirmRemove(true)}>
            Remove
          </Button>
        </Group>
      ) : (
        <Text size="sm" mb="md" data-testid="webhook-off">
          No webhook is set.
        </Text>
      )}
      {!settings.encryptionKeyConfigured && (
        <Alert color="yellow" variant="light" mb="md">
          Bridle stores the webhook URL only encrypted: set <Code>BRIDLE_ENCRYPTION_KEY</Code> on the server first.
        </Alert>
      )}
      {update.isError && !confirmRemove && <MutationErrorAlert error={update.error} title="The webhook was not saved" />}
      <form onSubmit={onSubmit} noValidate aria-label="Chat webhook">
        <Group align="flex-start" gap="sm">
          <TextInput
            label={webhook.configured ? "Replace with a new URL" : "Webhook URL"}
            description="https:// (http:// only for a receiver on this machine)"
            placeholder="https://hooks.slack.com/services/…"
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
            error={(touched && problem ? `Webhook URL ${problem}` : undefined) ?? errorAt("webhookUrl")}
            autoComplete="off"
            spellCheck={false}
            w={520}
          />
          <Button type="submit" mt={46} loading={update.isPending && !confirmRemove} disabled={!url.trim()}>
            Save webhook
          </Button>
        </Group>
      </form>
      <ConfirmDialog
        opened={confirmRemove}
        title="Remove the chat webhook?"
        confirmLabel="Remove webhook"
        loading={update.isPending}
        error={update.error}
        onCancel={() => setConfirmRemove(false)}
        onConfirm={() =>
          update.mutate(null, {
            onSuccess: () => {
              setConfirmRemove(false);
              notifications.show({ color: "teal", title: "Webhook removed", message: "Nothing is posted to chat any more." });
            },
          })
        }
      >
        Nothing more is posted to chat; posts not yet sent are skipped. To set it again you need the full URL.
      </ConfirmDialog>
    </Paper>
  );
}

const STATUS_COLORS: Record<TDeliveryStatus, MantineColor> = { pending: "blue", sent: "teal", failed: "red", skipped: "gray" };

function DeliveriesPanel({ counts }: { counts: TNotificationSettings["deliveries"] }) {
  const [status, setStatus] = useState<TDeliveryStatus | "all">(counts.failed > 0 ? "failed" : "all");
  const list = useDeliveries(status === "all" ? null : status);
  const retry = useRetryDelivery();
  const items: TNotificationDelivery[] = list.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Paper withBorder radius="md" p="lg">
      <Group justify="space-between" mb="md">
        <Title order={2} fz="h4">
          Deliveries
        </Title>
        <SegmentedControl
          value={status}
          onChange={(v) => setStatus(v as TDeliveryStatus | "all")}
          aria-label="Delivery status"
          data={[
            { value: "all", label: "All" },
            { value: "failed", label: `Failed (${counts.failed})` },
            { value: "pending", label: `Pending (${counts.pending})` },
            { value: "sent", label: `Sent (${counts.sent})` },
            { value: "skipped", label: `Skipped (${counts.skipped})` },
          ]}
        />
      </Group>
      {retry.isError && <MutationErrorAlert error={retry.error} title="Could not retry" />}
      {list.isPending ? (
        <LoadingBlock label="Loading deliveries" />
      ) : list.isError ? (
        <ErrorBlock title="Could not load deliveries" error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <EmptyBlock title={status === "all" ? "Nothing delivered yet" : `No ${status} deliveries`} description="Emails and webhook posts appear here with their attempts." />
      ) : (
        <Table.ScrollContainer minWidth={800}>
          <Table verticalSpacing="xs" aria-label="Deliveries">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Notification</Table.Th>
                <Table.Th>Channel</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Attempts</Table.Th>
                <Table.Th>Last error</Table.Th>
                <Table.Th>Queued</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((d) => (
                <Table.Tr key={d.id}>
                  <Table.Td>
                    <Text size="sm">{d.title ?? "—"}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{d.channel === "email" ? `Email to ${d.recipient ?? "—"}` : "Webhook"}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge color={STATUS_COLORS[d.status]} variant="light">
                      {d.status}
                    </Badge>
                    {d.status === "pending" && d.nextAttemptAt && <RelativeTime value={d.nextAttemptAt} size="xs" c="dimmed" />}
                  </Table.Td>
                  <Table.Td>{d.attempts}</Table.Td>
                  <Table.Td>
                    <Text size="xs" c="dimmed" maw={280}>
                      {d.lastError ?? "—"}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <RelativeTime value={d.createdAt} />
                  </Table.Td>
                  <Table.Td>
                    {(d.status === "failed" || d.status === "skipped") && (
                      <Button size="xs" variant="default" onClick={() => retry.mutate(d.id)} loading={retry.isPending && retry.variables === d.id}>
                        Retry
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {list.hasNextPage && (
        <Group justify="center" mt="sm">
          <Button variant="default" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
            Show older
          </Button>
        </Group>
      )}
    </Paper>
  );
}
