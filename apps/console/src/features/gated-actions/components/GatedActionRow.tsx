import { GATED_ACTION_MAX_TTL_MINUTES, GATED_ACTION_MODES } from "@bridle/contracts";
import type { TGatedActionRule } from "@bridle/contracts";
import { Badge, Button, Code, Group, NumberInput, SegmentedControl, Select, Stack, Table, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { errorMessage } from "../../../lib/api.ts";
import { errorLookup, formIssues } from "../../../lib/form-errors.ts";
import { ACTION_DESCRIPTIONS, APPROVER_ROLES, MODE_COLORS, MODE_LABELS, ROLE_NAMES, minutesText } from "../labels.ts";
import { useUpdateGatedAction } from "../queries.ts";


function ControlBadge({ count }: { count: number }) {
  if (count < 2) return null;
  return (
    <Badge variant="light" color="grape" radius="sm" size="sm" style={{ whiteSpace: "nowrap" }}>
      {count === 2 ? "Dual control" : `${count}-person control`}
    </Badge>
  );
}

function ActionCell({ rule }: { rule: TGatedActionRule }) {
  return (
    <Table.Td>
      <Code fw={600}>{rule.action}</Code>
      <Text size="xs" c="dimmed">
        {ACTION_DESCRIPTIONS[rule.action]}
      </Text>
    </Table.Td>
  );
}

/** A rule as text, for people without `policy.update`. */
export function ReadOnlyGatedActionRow({ rule }: { rule: TGatedActionRule }) {
  return (
    <Table.Tr>
      <ActionCell rule={rule} />
      <Table.Td>
        <Badge variant="light" color={MODE_COLORS[rule.mode]} radius="sm">
          {MODE_LABELS[rule.mode]}
        </Badge>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{ROLE_NAMES[rule.approverRole]}</Text>
      </Table.Td>
      <Table.Td>
        <Group gap={6} wrap="nowrap">
          <Text size="sm">{rule.approvalsRequired}</Text>
          <ControlBadge count={rule.approvalsRequired} />
        </Group>
      </Table.Td>
      <Table.Td>
        <Text size="sm">
          {rule.requestTtlMinutes} <Text span c="dimmed" size="xs">({minutesText(rule.requestTtlMinutes)})</Text>
        </Text>
      </Table.Td>
      <Table.Td />
    </Table.Tr>
  );
}

/** One action's rule with its own Save; keyed by the stored rule, so a save starts it afresh. */
export function EditableGatedActionRow({ rule }: { rule: TGatedActionRule }) {
  const update = useUpdateGatedAction();
  const [draft, setDraft] = useState<TGatedActionRule>(rule);
  const errorAt = errorLookup(formIssues(update.error));
  const dirty = JSON.stringify(draft) !== JSON.stringify(rule);
  const valid = Number.isInteger(draft.approvalsRequired) && Number.isInteger(draft.requestTtlMinutes);
  const set = (patch: Partial<TGatedActionRule>) => {
    update.reset();
    setDraft((previous) => ({ ...previous, ...patch }));
  };
  const needsApproval = draft.mode === "require_approval";

  return (
    <Table.Tr data-action={rule.action}>
      <ActionCell rule={rule} />
      <Table.Td>
        <SegmentedControl
          size="xs"
          aria-label={`Mode of ${rule.action}`}
          value={draft.mode}
          onChange={(value) => set({ mode: value as TGatedActionRule["mode"] })}
          data={GATED_ACTION_MODES.map((mode) => ({ value: mode, label: MODE_LABELS[mode] }))}
          color={MODE_COLORS[draft.mode]}
        />
      </Table.Td>
      <Table.Td>
        <Select
          size="xs"
          aria-label={`Approver role of ${rule.action}`}
          data={APPROVER_ROLES.map((role) => ({ ...role }))}
          value={draft.approverRole}
          onChange={(value) => value && set({ approverRole: value as TGatedActionRule["approverRole"] })}
          allowDeselect={false}
          disabled={!needsApproval}
          error={errorAt("approverRole")}
          w={120}
        />
      </Table.Td>
      <Table.Td>
        <Group gap={6} wrap="nowrap">
          <NumberInput
            size="xs"
            aria-label={`Approvals required for ${rule.action}`}
            value={draft.approvalsRequired}
            onChange={(value) => set({ approvalsRequired: typeof value === "number" ? value : Number.NaN })}
            min={1}
            max={5}
            clampBehavior="strict"
            allowDecimal={false}
            disabled={!needsApproval}
            error={errorAt("approvalsRequired")}
            w={70}
          />
          {needsApproval && <ControlBadge count={draft.approvalsRequired} />}
        </Group>
      </Table.Td>
      <Table.Td>
        <Group gap={6} wrap="nowrap">
          <NumberInput
            size="xs"
            aria-label={`Request expiry of ${rule.action} in minutes`}
            value={draft.requestTtlMinutes}
            onChange={(value) => set({ requestTtlMinutes: typeof value === "number" ? value : Number.NaN })}
            min={1}
            max={GATED_ACTION_MAX_TTL_MINUTES}
            clampBehavior="strict"
            allowDecimal={false}
            disabled={!needsApproval}
            error={errorAt("requestTtlMinutes")}
            w={90}
          />
          {needsApproval && Number.isInteger(draft.requestTtlMinutes) && draft.requestTtlMinutes > 0 && (
            <Text size="xs" c="dimmed" style={{ whiteSpace: "nowrap" }}>
              {minutesText(draft.requestTtlMinutes)}
            </Text>
          )}
        </Group>
      </Table.Td>
      <Table.Td>
        <Stack gap={4} align="flex-start">
          <Button
            size="xs"
            disabled={!dirty || !valid}
            loading={update.isPending}
            onClick={() =>
              update.mutate(draft, {
                onSuccess: (saved) =>
                  notifications.show({ color: "teal", title: `${saved.action} saved`, message: "Runtimes follow the new rule on their next decision." }),
              })
            }
          >
            Save
          </Button>
          {update.isError && (
            <Text size="xs" c="red" role="alert" maw={200}>
              {errorMessage(update.error)}
            </Text>
          )}
        </Stack>
      </Table.Td>
    </Table.Tr>
  );
}
