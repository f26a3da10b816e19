import { ALERT_RULE_INFO, type TAlertRule } from "@bridle/contracts";
import { Button, Group, NumberInput, Paper, Stack, Switch, Table, Text } from "@mantine/core";
import { useState } from "react";
import { AnchorLink } from "../../../components/links.tsx";
import { MutationErrorAlert } from "../../../components/MutationErrorAlert.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { RequirePermission, useCan } from "../../auth/permissions.tsx";
import { useAlertRules, useUpdateAlertRules } from "../queries.ts";

type Draft = Pick<TAlertRule, "enabled" | "threshold" | "windowMinutes" | "factor" | "baselineDays" | "autoPause">;
const fields = (r: TAlertRule): Draft => ({ enabled: r.enabled, threshold: r.threshold, windowMinutes: r.windowMinutes, factor: r.factor, baselineDays: r.baselineDays, autoPause: r.autoPause });

function RuleRow({ rule, editable }: { rule: TAlertRule; editable: boolean }) {
  const save = useUpdateAlertRules();
  const [draft, setDraft] = useState<Draft>(fields(rule));
  const uses = ALERT_RULE_INFO[rule.kind].uses;
  const changed = JSON.stringify(draft) !== JSON.stringify(fields(rule));
  const num = (key: "threshold" | "windowMinutes" | "factor" | "baselineDays", label: string, min: number, max: number) =>
    uses.includes(key) ? (
      <NumberInput
        label={label}
        size="xs"
        w={120}
        min={min}
        max={max}
        disabled={!editable}
        value={draft[key]}
        onChange={(v) => setDraft((d) => ({ ...d, [key]: typeof v === "number" ? v : d[key] }))}
      />
    ) : null;
  return (
    <Table.Tr>
      <Table.Td maw={380}>
        <Text size="sm" fw={500}>
          {rule.label}
        </Text>
        <Text size="xs" c="dimmed">
          {rule.meaning}
        </Text>
        <Text size="xs" c="dimmed">
          {rule.updatedBy ? `Changed by ${rule.updatedBy}` : "Default settings"}
        </Text>
      </Table.Td>
      <Table.Td>
        <Switch aria-label={`${rule.label}: on`} checked={draft.enabled} disabled={!editable} onChange={(e) => setDraft((d) => ({ ...d, enabled: e.currentTarget.checked }))} />
      </Table.Td>
      <Table.Td>
        <Group gap="xs" align="flex-end">
          {num("threshold", "Threshold", 1, 1_000_000)}
          {num("windowMinutes", "Window (min)", 1, 1440)}
          {num("factor", "× baseline", 1, 1000)}
          {num("baselineDays", rule.kind === "new_shape" ? "Learning (days)" : "Baseline (days)", 0, 30)}
          {uses.includes("autoPause") && (
            <Switch label="Pause the bot on the first alert" checked={draft.autoPause} disabled={!editable} onChange={(e) => setDraft((d) => ({ ...d, autoPause: e.currentTarget.checked }))} />
          )}
        </Group>
        {save.isError && <MutationErrorAlert error={save.error} title="Could not save the rule" />}
      </Table.Td>
      <Table.Td>
        {editable && (
          <Button size="xs" disabled={!changed} loading={save.isPending} onClick={() => save.mutate({ rules: [{ kind: rule.kind, ...draft }] })}>
            Save
          </Button>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

function Rules() {
  const can = useCan();
  const rules = useAlertRules();
  if (rules.isPending) return <LoadingBlock label="Loading the alert rules" />;
  if (rules.isError) return <ErrorBlock title="Could not load the alert rules" error={rules.error} onRetry={() => void rules.refetch()} />;
  return (
    <Paper withBorder radius="md" p="md">
      <Table.ScrollContainer minWidth={900}>
        <Table aria-label="Alert rules" verticalSpacing="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Rule</Table.Th>
              <Table.Th>On</Table.Th>
              <Table.Th>Settings</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rules.data.map((r) => (
              <RuleRow key={`${r.kind}-${r.updatedAt}`} rule={r} editable={can("alerts.manage")} />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

/** The alert rules: every rule on by default; security and admins change them. */
export function AlertRulesPage() {
  return (
    <>
      <PageHeader
        title="Alert rules"
        description="Bridle checks the audit log against these rules every minute. One alert per rule and subject: a sustained burst adds to it instead of opening more."
        above={
          <AnchorLink to="/alerts" search={{ status: undefined, rule: undefined, bot: undefined }} size="sm">
            ← Alerts
          </AnchorLink>
        }
      />
      <Stack gap="md">
        <RequirePermission permission="alerts.read">
          <Rules />
        </RequirePermission>
      </Stack>
    </>
  );
}
