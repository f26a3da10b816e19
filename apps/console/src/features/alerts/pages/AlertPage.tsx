import { ALERT_RULE_INFO, ALERT_SNOOZE_MAX_HOURS, type TAlertDetail } from "@bridle/contracts";
import { Alert, Badge, Button, Group, List, Modal, NumberInput, Paper, Stack, Table, Text, Textarea, Title } from "@mantine/core";
import { getRouteApi } from "@tanstack/react-router";
import { useState } from "react";
import { ConfirmDialog } from "../../../components/ConfirmDialog.tsx";
import { AnchorLink, ButtonLink } from "../../../components/links.tsx";
import { MutationErrorAlert } from "../../../components/MutationErrorAlert.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { formatDateTime } from "../../../lib/format.ts";
import { RequirePermission, useCan } from "../../auth/permissions.tsx";
import { AlertStatusBadge } from "../components/AlertStatusBadge.tsx";
import { useAlert, useAlertAction } from "../queries.ts";

const route = getRouteApi("/alerts/$alertId");

const CHANGE_LABELS: Record<TAlertDetail["history"][number]["change"], string> = {
  opened: "Opened",
  reopened: "Opened again",
  acknowledged: "Acknowledged",
  snoozed: "Snoozed",
  snooze_ended: "Snooze ended",
  resolved: "Resolved",
  bot_paused: "Bot paused",
};

function Actions({ alert }: { alert: TAlertDetail }) {
  const action = useAlertAction(alert.id);
  const [reason, setReason] = useState("");
  const [hours, setHours] = useState<number>(4);
  const [dialog, setDialog] = useState<"snooze" | "resolve" | null>(null);
  if (alert.status === "resolved") return null;
  const close = () => {
    setDialog(null);
    setReason("");
  };
  return (
    <Paper withBorder radius="md" p="md">
      <Stack gap="sm">
        <Title order={2} fz="h4">
          Respond
        </Title>
        {action.isError && dialog === null && <MutationErrorAlert error={action.error} title="Could not change the alert" />}
        <Group gap="sm">
          {alert.status !== "acknowledged" && (
            <Button size="sm" loading={action.isPending && dialog === null} onClick={() => action.mutate({ action: "acknowledge" })}>
              Acknowledge
            </Button>
          )}
          <Button size="sm" variant="default" onClick={() => setDialog("snooze")}>
            Snooze…
          </Button>
          <Button size="sm" color="teal" variant="light" onClick={() => setDialog("resolve")}>
            Resolve…
          </Button>
        </Group>
        <Text size="xs" c="dimmed">
          Acknowledged and snoozed alerts keep counting new evidence without notifying anyone; a resolved alert stays resolved, and the rule opens a new one if it fires again.
        </Text>
      </Stack>
      <Modal opened={dialog === "snooze"} onClose={close} title="Snooze this alert" centered>
        <Stack gap="sm">
          <NumberInput label="Hours" min={1} max={ALERT_SNOOZE_MAX_HOURS} value={hours} onChange={(v) => setHours(typeof v === "number" ? v : 1)} />
          <Textarea label="Reason (optional)" value={reason} onChange={(e) => setReason(e.currentTarget.value)} maxLength={1000} />
          {action.isError && <MutationErrorAlert error={action.error} title="Could not snooze the alert" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button loading={action.isPending} onClick={() => action.mutate({ action: "snooze", hours, reason }, { onSuccess: close })}>
              Snooze for {hours} h
            </Button>
          </Group>
        </Stack>
      </Modal>
      <ConfirmDialog
        opened={dialog === "resolve"}
        title="Resolve this alert?"
        confirmLabel="Resolve"
        color="teal"
        loading={action.isPending}
        error={action.isError ? action.error : undefined}
        onCancel={close}
        onConfirm={() => action.mutate({ action: "resolve", reason }, { onSuccess: close })}
      >
        <Stack gap="sm">
          <Text size="sm">It leaves the list of active alerts; its history stays. If the rule fires again, a new alert opens.</Text>
          <Textarea label="Reason (optional)" value={reason} onChange={(e) => setReason(e.currentTarget.value)} maxLength={1000} />
        </Stack>
      </ConfirmDialog>
    </Paper>
  );
}

function AlertDetail({ id }: { id: string }) {
  const can = useCan();
  const alert = useAlert(id);
  if (alert.isPending) return <LoadingBlock label="Loading the alert" />;
  if (alert.isError) return <ErrorBlock title="Could not load the alert" error={alert.error} onRetry={() => void alert.refetch()} />;
  const a = alert.data;
  return (
    <Stack gap="md">
      <PageHeader
        title={a.title}
        description={a.summary}
        above={
          <AnchorLink to="/alerts" search={{ status: undefined, rule: undefined, bot: undefined }} size="sm">
            ← Alerts
          </AnchorLink>
        }
        actions={<AlertStatusBadge status={a.status} />}
      />
      {a.rule === "new_shape" && (
        <Alert color="blue" variant="light" title="A heuristic, for a person to review">
          Bridle noticed a request this bot had never made before. It is not a claim that anything is wrong.
        </Alert>
      )}
      {a.botPaused && (
        <Alert color="red" variant="light" title="Bridle paused this bot">
          The org pauses a bot on repeated denied decisions. Resuming it is a person&apos;s decision, on the bot&apos;s page.
        </Alert>
      )}
      <Paper withBorder radius="md" p="md">
        <Table variant="vertical" withTableBorder={false} aria-label="Alert">
          <Table.Tbody>
            <Table.Tr>
              <Table.Th w={180}>Rule</Table.Th>
              <Table.Td>
                {a.ruleLabel}
                <Text size="xs" c="dimmed">
                  {ALERT_RULE_INFO[a.rule].meaning}
                </Text>
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>Subject</Table.Th>
              <Table.Td>
                {a.botId ? (
                  <AnchorLink to="/bots/$botId" params={{ botId: a.botId }}>
                    {a.subject.label}
                  </AnchorLink>
                ) : (
                  a.subject.label
                )}{" "}
                <Badge variant="outline" size="xs">
                  {a.subject.type}
                </Badge>
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>Seen</Table.Th>
              <Table.Td>
                {a.count}× from {formatDateTime(a.firstSeenAt)} to {formatDateTime(a.lastSeenAt)}
              </Table.Td>
            </Table.Tr>
            {a.snoozedUntil && (
              <Table.Tr>
                <Table.Th>Snoozed until</Table.Th>
                <Table.Td>{formatDateTime(a.snoozedUntil)}</Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </Paper>
      <Paper withBorder radius="md" p="md">
        <Stack gap="xs">
          <Title order={2} fz="h4">
            Evidence
          </Title>
          {a.botId && a.evidence.sessionId && (
            <ButtonLink to="/bots/$botId/sessions/$sessionId" params={{ botId: a.botId, sessionId: a.evidence.sessionId }} variant="light" size="xs" w="fit-content">
              Open the session {a.evidence.sessionId}
            </ButtonLink>
          )}
          {can("audit.read") ? (
            <List size="sm" spacing={2}>
              {a.evidence.eventIds.map((eventId) => (
                <List.Item key={eventId}>
                  <AnchorLink to="/audit/$eventId" params={{ eventId }} size="sm" ff="monospace">
                    Audit event {eventId}
                  </AnchorLink>
                </List.Item>
              ))}
            </List>
          ) : (
            <Text size="sm" c="dimmed">
              {a.evidence.eventIds.length} audit events (reading them needs the audit log permission).
            </Text>
          )}
        </Stack>
      </Paper>
      {can("alerts.manage") && <Actions alert={a} />}
      <Paper withBorder radius="md" p="md">
        <Stack gap="xs">
          <Title order={2} fz="h4">
            History
          </Title>
          <Table aria-label="History" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>What</Table.Th>
                <Table.Th>Who</Table.Th>
                <Table.Th>Reason</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {a.history.map((h, i) => (
                <Table.Tr key={i}>
                  <Table.Td>{formatDateTime(h.at)}</Table.Td>
                  <Table.Td>
                    {CHANGE_LABELS[h.change]}
                    {h.snoozedUntil && ` until ${formatDateTime(h.snoozedUntil)}`}
                  </Table.Td>
                  <Table.Td>{h.actor.type === "system" ? "Bridle" : h.actor.label}</Table.Td>
                  <Table.Td>{h.reason ?? ""}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      </Paper>
    </Stack>
  );
}

/** One alert: what the rule found, the evidence (audit events, the session), what security did, and the actions. */
export function AlertPage() {
  const { alertId } = route.useParams();
  return (
    <RequirePermission permission="alerts.read">
      <AlertDetail id={alertId} />
    </RequirePermission>
  );
}
