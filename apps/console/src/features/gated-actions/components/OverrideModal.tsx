import { GATED_ACTION_MAX_TTL_MINUTES, GATED_ACTION_MODES } from "@bridle/contracts";
import type { TGatedActionRule } from "@bridle/contracts";
import { Alert, Button, Code, Group, Modal, NumberInput, Select, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import type { FormEvent } from "react";
import { MutationErrorAlert } from "../../../components/MutationErrorAlert.tsx";
import { errorLookup, formIssues } from "../../../lib/form-errors.ts";
import { APPROVER_ROLES, MODE_LABELS, ROLE_NAMES, ruleText } from "../labels.ts";
import { useSetBotOverride } from "../queries.ts";
import type { TBotGatedActionItem } from "../queries.ts";

const FOLLOW = "";

type Draft = { mode: string; approverRole: string; approvalsRequired: number | ""; requestTtlMinutes: number | "" };

const draftOf = (item: TBotGatedActionItem): Draft => ({
  mode: item.override?.mode ?? FOLLOW,
  approverRole: item.override?.approverRole ?? FOLLOW,
  approvalsRequired: item.override?.approvalsRequired ?? "",
  requestTtlMinutes: item.override?.requestTtlMinutes ?? "",
});

const numberOrEmpty = (value: string | number): number | "" => (typeof value === "number" ? value : "");

/** Sets one action's override for one bot. An override only tightens; the API says why when it would loosen. */
export function OverrideModal({
  botId,
  item,
  isAdmin,
  onClose,
}: {
  botId: string;
  item: TBotGatedActionItem | null;
  /** Only admins (`policy.update`) change who approves. */
  isAdmin: boolean;
  onClose: () => void;
}) {
  return (
    <Modal opened={item !== null} onClose={onClose} title={item ? `Override ${item.rule.action} for this bot` : ""} size="lg" closeButtonProps={{ "aria-label": "Close" }}>
      {item && <OverrideForm key={item.rule.action} botId={botId} item={item} isAdmin={isAdmin} onClose={onClose} />}
    </Modal>
  );
}

function OverrideForm({ botId, item, isAdmin, onClose }: { botId: string; item: TBotGatedActionItem; isAdmin: boolean; onClose: () => void }) {
  const save = useSetBotOverride(botId);
  const [draft, setDraft] = useState<Draft>(() => draftOf(item));
  const errorAt = errorLookup(formIssues(save.error));
  const org = item.rule;
  const followsAll = draft.mode === FOLLOW && draft.approverRole === FOLLOW && draft.approvalsRequired === "" && draft.requestTtlMinutes === "";
  const set = (patch: Partial<Draft>) => {
    save.reset();
    setDraft((previous) => ({ ...previous, ...patch }));
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (followsAll) return;
    save.mutate(
      {
        action: org.action,
        fields: {
          mode: draft.mode === FOLLOW ? null : (draft.mode as TGatedActionRule["mode"]),
          approverRole: draft.approverRole === FOLLOW ? null : (draft.approverRole as TGatedActionRule["approverRole"]),
          approvalsRequired: draft.approvalsRequired === "" ? null : draft.approvalsRequired,
          requestTtlMinutes: draft.requestTtlMinutes === "" ? null : draft.requestTtlMinutes,
        },
      },
      {
        onSuccess: (saved) => {
          notifications.show({ color: "teal", title: `Override of ${org.action} saved`, message: `Now: ${ruleText(saved.effective)}` });
          onClose();
        },
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate aria-label={`Override ${org.action}`}>
      <Stack gap="md">
        <Text size="sm">
          Org rule for <Code>{org.action}</Code>: {ruleText(org)}
        </Text>
        <Alert color="blue" variant="light" role="note">
          An override may only tighten the org's rule: a stricter mode, more approvals, a shorter request lifetime. Leave a field on "Follow the org" to keep
          the org's value.
        </Alert>
        {save.isError && <MutationErrorAlert error={save.error} title="The override was not saved" />}
        <Select
          label="Mode"
          data={[
            { value: FOLLOW, label: `Follow the org (${MODE_LABELS[org.mode]})` },
            ...GATED_ACTION_MODES.map((mode) => ({ value: mode, label: MODE_LABELS[mode] })),
          ]}
          value={draft.mode}
          onChange={(value) => set({ mode: value ?? FOLLOW })}
          allowDeselect={false}
          error={errorAt("mode")}
        />
        <Select
          label="Approver role"
          description={isAdmin ? undefined : "Only admins change who approves."}
          data={[{ value: FOLLOW, label: `Follow the org (${ROLE_NAMES[org.approverRole]})` }, ...APPROVER_ROLES.map((role) => ({ ...role }))]}
          value={draft.approverRole}
          onChange={(value) => set({ approverRole: value ?? FOLLOW })}
          allowDeselect={false}
          disabled={!isAdmin}
          error={errorAt("approverRole")}
        />
        <Group grow align="flex-start">
          <NumberInput
            label="Approvals required"
            placeholder={`Follow the org (${org.approvalsRequired})`}
            description="2 = dual control"
            value={draft.approvalsRequired}
            onChange={(value) => set({ approvalsRequired: numberOrEmpty(value) })}
            min={1}
            max={5}
            allowDecimal={false}
            clampBehavior="strict"
            error={errorAt("approvalsRequired")}
          />
          <NumberInput
            label="Request expiry (minutes)"
            placeholder={`Follow the org (${org.requestTtlMinutes})`}
            value={draft.requestTtlMinutes}
            onChange={(value) => set({ requestTtlMinutes: numberOrEmpty(value) })}
            min={1}
            max={GATED_ACTION_MAX_TTL_MINUTES}
            allowDecimal={false}
            clampBehavior="strict"
            error={errorAt("requestTtlMinutes")}
          />
        </Group>
        {followsAll && (
          <Text size="xs" c="dimmed">
            Every field follows the org. To go back to the org's rule, close this and remove the override.
          </Text>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} disabled={save.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending} disabled={followsAll}>
            Save override
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
