import { KILL_SWITCH_SCOPES, type TKillSwitchMode, type TKillSwitchPreview, type TKillSwitchScope, type TKillSwitchScopeKind } from "@bridle/contracts";
import { Button, Group, List, Modal, SegmentedControl, Select, Stack, Text, TextInput, Textarea } from "@mantine/core";
import { useState } from "react";
import { ConfirmDialog } from "../../../components/ConfirmDialog.tsx";
import { MutationErrorAlert } from "../../../components/MutationErrorAlert.tsx";
import { useSystems, useTeams } from "../../directory/queries.ts";
import { useEngageKillSwitch, usePreviewKillSwitch } from "../queries.ts";

const SCOPE_LABELS: Record<TKillSwitchScopeKind, string> = {
  bot: "One bot",
  team: "All bots of a team",
  channel: "All bots on a channel",
  skill: "All bots using a skill",
  all: "Every bot",
};

export const MODE_LABELS: Record<TKillSwitchMode, string> = { pause: "Pause (deny every action)", read_only: "Read-only (deny every write-type action)" };

/**
 * The engage form: scope, mode and reason; then a confirmation that states how many bots the
 * switch halts right now (from the server's preview) before it is engaged. With `fixedBot`, the
 * scope is that bot (the bot page's "Pause with kill switch").
 */
export function EngageKillSwitchModal({
  opened,
  onClose,
  fixedBot,
  allowedScopes = KILL_SWITCH_SCOPES,
}: {
  opened: boolean;
  onClose: () => void;
  fixedBot?: { id: string; name: string };
  allowedScopes?: readonly TKillSwitchScopeKind[];
}) {
  const [kind, setKind] = useState<TKillSwitchScopeKind>(fixedBot ? "bot" : "team");
  const [subject, setSubject] = useState("");
  const [mode, setMode] = useState<TKillSwitchMode>("pause");
  const [reason, setReason] = useState("");
  const [preview, setPreview] = useState<TKillSwitchPreview | null>(null);
  const teams = useTeams();
  const systems = useSystems();
  const previewMutation = usePreviewKillSwitch();
  const engage = useEngageKillSwitch();

  const scope = (): TKillSwitchScope | null => {
    if (fixedBot) return { kind: "bot", subject: fixedBot.id };
    if (kind === "all") return { kind: "all" };
    if (!subject.trim()) return null;
    return { kind, subject: subject.trim() } as TKillSwitchScope;
  };

  const close = () => {
    setPreview(null);
    previewMutation.reset();
    engage.reset();
    onClose();
  };

  const review = () => {
    const s = scope();
    if (!s) return;
    previewMutation.mutate(s, { onSuccess: setPreview });
  };

  const confirm = () => {
    const s = scope();
    if (!s) return;
    engage.mutate(
      { scope: s, mode, reason },
      {
        onSuccess: () => {
          setReason("");
          setSubject("");
          close();
        },
      },
    );
  };

  return (
    <>
      <Modal opened={opened && !preview} onClose={close} title={fixedBot ? `Pause ${fixedBot.name} with the kill switch` : "Engage the kill switch"} centered size="lg">
        <Stack gap="md">
          {!fixedBot && (
            <Select
              label="Scope"
              data={allowedScopes.map((k) => ({ value: k, label: SCOPE_LABELS[k] }))}
              value={kind}
              onChange={(v) => {
                if (!v) return;
                setKind(v as TKillSwitchScopeKind);
                setSubject("");
              }}
              allowDeselect={false}
            />
          )}
          {!fixedBot && kind === "team" && (
            <Select label="Team" searchable data={(teams.data ?? []).map((t) => ({ value: t.id, label: t.name }))} value={subject || null} onChange={(v) => setSubject(v ?? "")} />
          )}
          {!fixedBot && kind === "channel" && (
            <Select label="Channel" searchable data={(systems.data ?? []).map((s) => ({ value: s.key, label: `${s.name} (${s.key})` }))} value={subject || null} onChange={(v) => setSubject(v ?? "")} />
          )}
          {!fixedBot && kind === "skill" && (
            <TextInput label="Skill name" description="Without a version: every version of it (e.g. web-search)" value={subject} onChange={(e) => setSubject(e.currentTarget.value)} />
          )}
          {!fixedBot && kind === "bot" && <TextInput label="Bot id" description="Or use “Pause with kill switch” on the bot's page" value={subject} onChange={(e) => setSubject(e.currentTarget.value)} />}
          <div>
            <Text size="sm" fw={500} mb={4}>
              Mode
            </Text>
            <SegmentedControl
              fullWidth
              value={mode}
              onChange={(v) => setMode(v as TKillSwitchMode)}
              data={[
                { value: "pause", label: MODE_LABELS.pause },
                { value: "read_only", label: MODE_LABELS.read_only },
              ]}
            />
          </div>
          <Textarea
            label="Reason"
            description="Shown to the bots' runtimes in every denied decision, to everyone who reads the switch, and in the audit log"
            required
            minRows={2}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
          />
          {previewMutation.error != null && <MutationErrorAlert error={previewMutation.error} title="Could not check the scope" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button color="red" onClick={review} loading={previewMutation.isPending} disabled={!scope() || reason.trim().length < 3}>
              Review
            </Button>
          </Group>
        </Stack>
      </Modal>
      <ConfirmDialog
        opened={opened && preview !== null}
        title="Engage the kill switch?"
        confirmLabel={mode === "pause" ? "Pause now" : "Make read-only now"}
        loading={engage.isPending}
        error={engage.error}
        onConfirm={confirm}
        onCancel={() => setPreview(null)}
      >
        {preview && (
          <Stack gap="xs">
            <Text size="sm" data-testid="kill-switch-count">
              {mode === "pause" ? "Pauses" : "Makes read-only"} <strong>{preview.label}</strong>: it halts{" "}
              <strong>{preview.count === 1 ? "1 bot" : `${preview.count} bots`}</strong> right now, and any bot that joins this scope while it is engaged.
            </Text>
            {preview.bots.length > 0 && (
              <List size="sm" spacing={2} mah={200} style={{ overflow: "auto" }}>
                {preview.bots.slice(0, 50).map((b) => (
                  <List.Item key={b.id}>{b.name}</List.Item>
                ))}
                {preview.bots.length > 50 && <List.Item>and {preview.bots.length - 50} more</List.Item>}
              </List>
            )}
            <Text size="sm" c="dimmed">
              Every replica denies their next decisions within a second. Resuming is a separate, audited action.
            </Text>
          </Stack>
        )}
      </ConfirmDialog>
    </>
  );
}
