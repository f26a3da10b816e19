import { NOTIFICATION_KIND_LABELS, type TKindChannels, type TNotificationPreferences } from "@bridle/contracts";
import { Alert, Button, Group, Paper, Stack, Switch, Table, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { AnchorLink } from "../../../components/links.tsx";
import { MutationErrorAlert } from "../../../components/MutationErrorAlert.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { usePreferences, useSendTest, useUpdatePreferences } from "../queries.ts";

/** Which channels reach me, per kind: in the console always; email and the org's chat webhook as I choose. */
export function NotificationPreferencesPage() {
  const prefs = usePreferences();
  return (
    <>
      <PageHeader
        title="Notification preferences"
        description={
          <>
            Every notification appears in the console (the bell, and <AnchorLink to="/notifications" size="sm">Notifications</AnchorLink>). Choose which also reach you by email
            and in the org's chat channel (the webhook).
          </>
        }
      />
      {prefs.isPending ? (
        <LoadingBlock label="Loading your preferences" />
      ) : prefs.isError ? (
        <ErrorBlock title="Could not load your preferences" error={prefs.error} onRetry={() => void prefs.refetch()} />
      ) : (
        <PreferencesForm prefs={prefs.data} />
      )}
    </>
  );
}

const same = (a: TKindChannels, b: TKindChannels) => a.email === b.email && a.webhook === b.webhook;

function PreferencesForm({ prefs }: { prefs: TNotificationPreferences }) {
  const update = useUpdatePreferences();
  const test = useSendTest();
  const [kinds, setKinds] = useState<TKindChannels[]>(prefs.kinds);
  const changed = kinds.filter((k, i) => !same(k, prefs.kinds[i]!));
  const switched = kinds.reduce((n, k, i) => n + Number(k.email !== prefs.kinds[i]!.email) + Number(k.webhook !== prefs.kinds[i]!.webhook), 0);
  const set = (kind: string, channel: "email" | "webhook", value: boolean) =>
    setKinds((previous) => previous.map((k) => (k.kind === kind ? { ...k, [channel]: value } : k)));

  const save = () =>
    update.mutate(changed, {
      onSuccess: (saved) => {
        setKinds(saved.kinds);
        notifications.show({ color: "teal", title: "Preferences saved", message: "New notifications follow them." });
      },
    });
  const sendTest = () =>
    test.mutate(undefined, {
      onSuccess: () => notifications.show({ color: "teal", title: "Test notification sent", message: "It is in your list now; email and chat follow within seconds, as you chose." }),
    });

  const { email, webhook } = prefs.channels;
  return (
    <Stack gap="md">
      {!email.available && email.reason && (
        <Alert color="yellow" variant="light" title="Email is off" data-testid="email-off">
          {email.reason} Your choices below are kept and apply once it is on.
        </Alert>
      )}
      {!webhook.available && webhook.reason && (
        <Alert color="gray" variant="light" title="No chat webhook" data-testid="webhook-off">
          {webhook.reason}
        </Alert>
      )}
      {update.isError && <MutationErrorAlert error={update.error} title="Your preferences were not saved" />}
      {test.isError && <MutationErrorAlert error={test.error} title="The test notification was not sent" />}
      <Paper withBorder radius="md" p="lg">
        <Table verticalSpacing="sm" aria-label="Channels per kind">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Notification</Table.Th>
              <Table.Th>In console</Table.Th>
              <Table.Th>Email{email.address ? <Text span size="xs" c="dimmed">{` (${email.address})`}</Text> : null}</Table.Th>
              <Table.Th>Chat webhook</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {kinds.map((k) => {
              const label = NOTIFICATION_KIND_LABELS[k.kind];
              return (
                <Table.Tr key={k.kind}>
                  <Table.Td>
                    <Text size="sm">{label}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c="dimmed">
                      Always
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Switch checked={k.email} onChange={(e) => set(k.kind, "email", e.currentTarget.checked)} aria-label={`${label} by email`} />
                  </Table.Td>
                  <Table.Td>
                    <Switch checked={k.webhook} onChange={(e) => set(k.kind, "webhook", e.currentTarget.checked)} aria-label={`${label} in the chat webhook`} />
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Paper>
      <Group justify="space-between">
        <Button variant="default" onClick={sendTest} loading={test.isPending}>
          Send me a test notification
        </Button>
        <Group gap="sm">
          {switched > 0 && (
            <Text size="sm" c="dimmed">
              {switched === 1 ? "1 change not saved" : `${switched} changes not saved`}
            </Text>
          )}
          <Button onClick={save} loading={update.isPending} disabled={changed.length === 0}>
            Save preferences
          </Button>
        </Group>
      </Group>
    </Stack>
  );
}
