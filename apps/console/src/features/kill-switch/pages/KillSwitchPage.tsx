import type { TKillSwitch } from "@bridle/contracts";
import { Badge, Button, Group, Modal, Paper, Stack, Switch, Table, Text, Textarea, Title } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useState } from "react";
import { MutationErrorAlert } from "../../../components/MutationErrorAlert.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { RelativeTime } from "../../../components/RelativeTime.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { useMe } from "../../auth/queries.ts";
import { useCan } from "../../auth/permissions.tsx";
import { EngageKillSwitchModal, MODE_LABELS } from "../components/EngageKillSwitch.tsx";
import { useKillSwitchList, useKillSwitchSettings, useKillSwitchStatus, useResumeKillSwitch, useUpdateKillSwitchSettings } from "../queries.ts";

const STATUS_LABEL: Record<TKillSwitch["status"], string> = { active: "Engaged", resume_requested: "Resume requested", resumed: "Resumed" };

/** Resume, with a reason; says when the org needs a second person to confirm. */
function ResumeModal({ sw, onClose, secondPerson }: { sw: TKillSwitch | null; onClose: () => void; secondPerson: boolean }) {
  const [reason, setReason] = useState("");
  const resume = useResumeKillSwitch();
  const close = () => {
    resume.reset();
    setReason("");
    onClose();
  };
  const confirming = sw?.status === "resume_requested";
  return (
    <Modal opened={sw !== null} onClose={close} title={confirming ? "Confirm the resume" : "Resume this kill switch"} centered>
      {sw && (
        <Stack gap="md">
          <Text size="sm">
            {sw.scope.label} ({sw.haltedBots === 1 ? "1 bot" : `${sw.haltedBots} bots`} halted), engaged by {sw.engagedBy}: “{sw.reason}”
          </Text>
          {confirming && sw.resumeRequest && (
            <Text size="sm">
              {sw.resumeRequest.by} asked to resume it: “{sw.resumeRequest.reason}”. A different person must confirm.
            </Text>
          )}
          {!confirming && secondPerson && (
            <Text size="sm" c="dimmed">
              The org requires a second person: this records a resume request; the bots stay halted until someone else with the kill switch permission confirms.
            </Text>
          )}
          <Textarea label="Reason" description="Why it is safe to resume (audited)" required minRows={2} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
          {resume.error != null && <MutationErrorAlert error={resume.error} title="Could not resume" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={close} disabled={resume.isPending}>
              Cancel
            </Button>
            <Button onClick={() => resume.mutate({ id: sw.id, reason }, { onSuccess: close })} loading={resume.isPending} disabled={reason.trim().length < 3}>
              {confirming ? "Confirm resume" : secondPerson ? "Request resume" : "Resume"}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

function SwitchTable({ items, label, onResume, mayResume }: { items: TKillSwitch[]; label: string; onResume?: (sw: TKillSwitch) => void; mayResume?: (sw: TKillSwitch) => boolean }) {
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table aria-label={label} verticalSpacing="sm" striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Scope</Table.Th>
            <Table.Th>Mode</Table.Th>
            <Table.Th>Reason</Table.Th>
            <Table.Th>Engaged</Table.Th>
            <Table.Th>Status</Table.Th>
            {onResume && <Table.Th>Bots halted</Table.Th>}
            {onResume && <Table.Th />}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((sw) => (
            <Table.Tr key={sw.id}>
              <Table.Td>{sw.scope.label}</Table.Td>
              <Table.Td>{sw.mode === "pause" ? "Pause" : "Read-only"}</Table.Td>
              <Table.Td maw={360}>{sw.reason}</Table.Td>
              <Table.Td>
                <Text size="sm">{sw.engagedBy}</Text>
                <RelativeTime value={sw.engagedAt} size="xs" c="dimmed" />
              </Table.Td>
              <Table.Td>
                <Badge color={sw.status === "resumed" ? "gray" : "red"} variant="light" radius="sm">
                  {STATUS_LABEL[sw.status]}
                </Badge>
                {sw.resumed && (
                  <Text size="xs" c="dimmed">
                    by {sw.resumed.by}: {sw.resumed.reason}
                  </Text>
                )}
                {sw.resumeRequest && (
                  <Text size="xs" c="dimmed">
                    asked by {sw.resumeRequest.by}
                  </Text>
                )}
              </Table.Td>
              {onResume && <Table.Td>{sw.haltedBots}</Table.Td>}
              {onResume && (
                <Table.Td>
                  {sw.status !== "resumed" && (!mayResume || mayResume(sw)) && (
                    <Button size="xs" variant="default" onClick={() => onResume(sw)}>
                      {sw.status === "resume_requested" ? "Confirm resume" : "Resume"}
                    </Button>
                  )}
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/**
 * The kill switch: engage on a scope (with a confirmation stating how many bots it halts now), the
 * engaged switches with Resume, and the history. Security and admins act on any scope; others see
 * the switches that halt their own bots (they pause a bot from its page).
 */
export function KillSwitchPage() {
  const can = useCan();
  const me = useMe();
  const manage = can("kill_switch.manage");
  const readsAll = can("bots.read_all") || manage;
  const status = useKillSwitchStatus();
  const history = useKillSwitchList("resumed", readsAll);
  const settings = useKillSwitchSettings();
  const updateSettings = useUpdateKillSwitchSettings();
  const [engageOpened, engage] = useDisclosure(false);
  const [resuming, setResuming] = useState<TKillSwitch | null>(null);
  const secondPerson = settings.data?.resumeRequiresSecondPerson ?? false;
  // Without kill_switch.manage, only a bot switch one engaged oneself (the API decides; this hides what would fail).
  const mayResume = (sw: TKillSwitch) => manage || (sw.scope.kind === "bot" && sw.engagedBy === me.data?.email && sw.status === "active");

  const engaged = () => {
    if (status.isPending) return <LoadingBlock label="Loading kill switches" />;
    if (status.isError) return <ErrorBlock title="Could not load the kill switches" error={status.error} onRetry={() => void status.refetch()} />;
    if (status.data.engaged.length === 0) return <EmptyBlock title="No kill switch is engaged" description="Every bot decides under its policy as usual." />;
    return <SwitchTable items={status.data.engaged} label="Engaged kill switches" onResume={setResuming} mayResume={mayResume} />;
  };

  return (
    <>
      <PageHeader
        title="Kill switch"
        description={`Pause a bot, a team's bots, the bots on a channel, the bots using a skill, or every bot; or make them read-only. ${MODE_LABELS.pause}; ${MODE_LABELS.read_only.toLowerCase()}.`}
        actions={
          manage ? (
            <Button color="red" onClick={engage.open}>
              Engage kill switch
            </Button>
          ) : undefined
        }
      />
      <Stack gap="lg">
        <Paper withBorder radius="md" p="md">
          <Title order={3} size="h4" mb="sm">
            Engaged
          </Title>
          {engaged()}
        </Paper>
        {readsAll && (
          <Paper withBorder radius="md" p="md">
            <Title order={3} size="h4" mb="sm">
              History
            </Title>
            {history.isPending ? (
              <LoadingBlock label="Loading history" />
            ) : history.isError ? (
              <ErrorBlock title="Could not load the history" error={history.error} onRetry={() => void history.refetch()} />
            ) : history.data.items.length === 0 ? (
              <EmptyBlock title="No resumed switches yet" description="Switches appear here once resumed." />
            ) : (
              <SwitchTable items={history.data.items} label="Kill switch history" />
            )}
          </Paper>
        )}
        <Paper withBorder radius="md" p="md">
          <Switch
            label="Resuming needs a second person"
            description="A resume becomes a request that a different person with the kill switch permission confirms (admins change this; it cannot be turned off while a request waits)"
            checked={secondPerson}
            disabled={!can("policy.update") || settings.isPending || updateSettings.isPending}
            onChange={(e) => updateSettings.mutate({ resumeRequiresSecondPerson: e.currentTarget.checked })}
          />
          {updateSettings.error != null && <MutationErrorAlert error={updateSettings.error} title="Could not save the setting" />}
        </Paper>
      </Stack>
      <EngageKillSwitchModal opened={engageOpened} onClose={engage.close} />
      <ResumeModal sw={resuming} onClose={() => setResuming(null)} secondPerson={secondPerson} />
    </>
  );
}
