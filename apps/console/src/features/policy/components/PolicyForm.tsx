import { SYSTEM_CLASSIFICATIONS } from "@bridle/contracts";
import type { TPolicyResponse, TReviewSchedule, TSystemClassification, TUpdateOrgPolicyRequest } from "@bridle/contracts";
import { Alert, Button, Fieldset, Group, List, NumberInput, Select, SimpleGrid, Stack, Switch, Table, TagsInput, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import type { FormEvent } from "react";
import { EmptyBlock } from "../../../components/states.tsx";
import { errorMessage, fieldIssues, isApiError } from "../../../lib/api.ts";
import { useKeepOnSessionEnd, useKeptValues } from "../../../lib/kept-forms.ts";
import { useCan } from "../../auth/permissions.tsx";
import { useUpdatePolicy } from "../queries.ts";

const CLASSIFICATION_LABELS: Record<TSystemClassification, string> = {
  internal_data: "Internal data access",
  external_communication: "External communication",
  both: "Both",
  neither: "Neither",
};

type Values = {
  orgName: string;
  botEmailDomain: string;
  requiredTokens: string[];
  orgPrefix: string;
  channelAllowlist: string[];
  channelBlocklist: string[];
  reviewIntervalDays: number | "";
  auditRetentionDays: number | "";
  reviewSchedule: TReviewSchedule;
  reviewDueDays: number | "";
  reviewLookbackDays: number | "";
  reviewOverdueFailClosed: boolean;
  orphanDeadlineDays: number | "";
  classifications: Record<string, TSystemClassification>;
};

const toValues = ({ policy, systems }: TPolicyResponse): Values => ({
  orgName: policy.orgName,
  botEmailDomain: policy.botEmailDomain,
  requiredTokens: policy.namingRule.requiredTokens,
  orgPrefix: policy.namingRule.orgPrefix ?? "",
  channelAllowlist: policy.channelAllowlist,
  channelBlocklist: policy.channelBlocklist,
  reviewIntervalDays: policy.reviewIntervalDays,
  auditRetentionDays: policy.auditRetentionDays,
  reviewSchedule: policy.reviewSchedule,
  reviewDueDays: policy.reviewDueDays,
  reviewLookbackDays: policy.reviewLookbackDays,
  reviewOverdueFailClosed: policy.reviewOverdueFailClosed,
  orphanDeadlineDays: policy.orphanDeadlineDays,
  classifications: Object.fromEntries(systems.map((system) => [system.key, system.classification])),
});

function toRequest(values: Values, data: TPolicyResponse): TUpdateOrgPolicyRequest {
  const changed = Object.fromEntries(
    data.systems
      .filter((system) => values.classifications[system.key] !== system.classification)
      .map((system) => [system.key, values.classifications[system.key] as TSystemClassification]),
  );
  const request: TUpdateOrgPolicyRequest = {
    orgName: values.orgName.trim(),
    botEmailDomain: values.botEmailDomain.trim(),
    namingRule: { requiredTokens: values.requiredTokens, orgPrefix: values.orgPrefix.trim() || null },
    channelAllowlist: values.channelAllowlist,
    channelBlocklist: values.channelBlocklist,
    // An emptied number box is sent as 0 so the server's contract reports it.
    reviewIntervalDays: values.reviewIntervalDays === "" ? 0 : values.reviewIntervalDays,
    auditRetentionDays: values.auditRetentionDays === "" ? 0 : values.auditRetentionDays,
    reviewSchedule: values.reviewSchedule,
    reviewDueDays: values.reviewDueDays === "" ? 0 : values.reviewDueDays,
    reviewLookbackDays: values.reviewLookbackDays === "" ? 0 : values.reviewLookbackDays,
    reviewOverdueFailClosed: values.reviewOverdueFailClosed,
    orphanDeadlineDays: values.orphanDeadlineDays === "" ? 0 : values.orphanDeadlineDays,
  };
  if (Object.keys(changed).length > 0) request.systemClassifications = changed;
  return request;
}

export function PolicyForm({ data }: { data: TPolicyResponse }) {
  const can = useCan();
  const update = useUpdatePolicy();
  // What was typed before a session ended comes back after sign-in (lib/kept-forms.ts).
  const kept = useKeptValues<Values>("policy");
  const [values, setValues] = useState<Values>(() => kept ?? toValues(data));
  useKeepOnSessionEnd("policy", values);
  const set = <K extends keyof Values>(key: K, value: Values[K]) => setValues((previous) => ({ ...previous, [key]: value }));

  const mayEdit = can("policy.update");
  const issues = isApiError(update.error) && update.error.status === 400 ? fieldIssues(update.error.details) : [];
  const errorAt = (path: string) => issues.find((issue) => issue.path.replace(/^body\.?/, "") === path)?.message;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!mayEdit) return;
    update.mutate(toRequest(values, data), {
      onSuccess: (saved) =>
        notifications.show({
          color: "teal",
          title: "Policy saved; findings recomputed",
          message: `Org policy is now at version ${saved.policy.version}.`,
        }),
    });
  };

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Org policy">
      <Stack gap="lg">
        {!mayEdit && (
          <Alert color="blue" variant="light" data-testid="policy-read-only">
            Only admins can change the org policy. You can read it here.
          </Alert>
        )}
        {update.isError && (
          <Alert
            color="red"
            variant="light"
            role="alert"
            title={isApiError(update.error) && update.error.status === 403 ? "Not allowed" : "The policy was not saved"}
          >
            <Text size="sm">{errorMessage(update.error)}</Text>
            {issues.length > 0 && (
              <List size="sm" mt="xs" spacing={2}>
                {issues.map((issue, index) => (
                  <List.Item key={`${issue.path}-${index}`}>
                    {issue.path && !issue.labelled ? <strong>{issue.path}: </strong> : null}
                    {issue.message}
                  </List.Item>
                ))}
              </List>
            )}
          </Alert>
        )}

        <Fieldset legend="Organization" radius="md" disabled={!mayEdit}>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <TextInput
              label="Organization name"
              value={values.orgName}
              onChange={(event) => set("orgName", event.currentTarget.value)}
              error={errorAt("orgName")}
            />
            <TextInput
              label="Bot email domain"
              description="Bot emails must be <name>.bot@<domain>"
              value={values.botEmailDomain}
              onChange={(event) => set("botEmailDomain", event.currentTarget.value)}
              error={errorAt("botEmailDomain")}
            />
            <NumberInput
              label="Review interval (days)"
              description="Days between access reviews"
              min={1}
              max={730}
              allowDecimal={false}
              value={values.reviewIntervalDays}
              onChange={(value) => set("reviewIntervalDays", typeof value === "number" ? value : "")}
              error={errorAt("reviewIntervalDays")}
            />
            <NumberInput
              label="Audit log retention (days)"
              description="Audit events older than this are dropped, a whole month at a time (at least 90)"
              min={90}
              max={3650}
              allowDecimal={false}
              value={values.auditRetentionDays}
              onChange={(value) => set("auditRetentionDays", typeof value === "number" ? value : "")}
              error={errorAt("auditRetentionDays")}
            />
          </SimpleGrid>
        </Fieldset>

        <Fieldset legend="Access reviews" radius="md" disabled={!mayEdit}>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Select
              label="Scheduled campaigns"
              description="Bridle starts a campaign of all bots on the first day of each period (UTC)"
              data={[
                { value: "quarterly", label: "Every quarter" },
                { value: "monthly", label: "Every month" },
                { value: "off", label: "Off (admins start them)" },
              ]}
              value={values.reviewSchedule}
              onChange={(value) => value && set("reviewSchedule", value as TReviewSchedule)}
              allowDeselect={false}
              error={errorAt("reviewSchedule")}
            />
            <NumberInput
              label="Days to decide"
              description="A scheduled campaign is due this many days after it starts"
              min={1}
              max={90}
              allowDecimal={false}
              value={values.reviewDueDays}
              onChange={(value) => set("reviewDueDays", typeof value === "number" ? value : "")}
              error={errorAt("reviewDueDays")}
            />
            <NumberInput
              label="Look-back window (days)"
              description="A grant no allowed decision used in this window is shown as unused"
              min={1}
              max={365}
              allowDecimal={false}
              value={values.reviewLookbackDays}
              onChange={(value) => set("reviewLookbackDays", typeof value === "number" ? value : "")}
              error={errorAt("reviewLookbackDays")}
            />
            <Switch
              mt="lg"
              label="Pause gated actions when a review is overdue"
              description="A bot whose review item is past its due date gets every gated action denied until it is decided"
              checked={values.reviewOverdueFailClosed}
              onChange={(event) => set("reviewOverdueFailClosed", event.currentTarget.checked)}
            />
            <NumberInput
              label="Orphan deadline (days)"
              description="A bot without an active owner is paused this many days after it lost its owner; its owner's manager and IT are warned a day before"
              min={1}
              max={365}
              allowDecimal={false}
              value={values.orphanDeadlineDays}
              onChange={(value) => set("orphanDeadlineDays", typeof value === "number" ? value : "")}
              error={errorAt("orphanDeadlineDays")}
            />
          </SimpleGrid>
        </Fieldset>

        <Fieldset legend="Naming rule" radius="md" disabled={!mayEdit}>
          <Text size="sm" c="dimmed" mb="sm">
            A bot name must contain one of the required tokens, or start with the org prefix.
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TagsInput
              label="Required tokens"
              description="Press Enter after each token, e.g. bot"
              value={values.requiredTokens}
              onChange={(value) => set("requiredTokens", value)}
              clearable
              error={errorAt("namingRule.requiredTokens")}
            />
            <TextInput
              label="Org prefix"
              description="e.g. acme-; leave empty for none"
              value={values.orgPrefix}
              onChange={(event) => set("orgPrefix", event.currentTarget.value)}
              error={errorAt("namingRule.orgPrefix")}
            />
          </SimpleGrid>
        </Fieldset>

        <Fieldset legend="Channels" radius="md" disabled={!mayEdit}>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TagsInput
              label="Channel allowlist"
              description="When not empty, channels not on it are disallowed"
              value={values.channelAllowlist}
              onChange={(value) => set("channelAllowlist", value)}
              clearable
              error={errorAt("channelAllowlist")}
            />
            <TagsInput
              label="Channel blocklist"
              description="Channels that are always disallowed"
              value={values.channelBlocklist}
              onChange={(value) => set("channelBlocklist", value)}
              clearable
              error={errorAt("channelBlocklist")}
            />
          </SimpleGrid>
        </Fieldset>

        <Fieldset legend="Connected systems" radius="md" disabled={!mayEdit}>
          <Text size="sm" c="dimmed" mb="sm">
            What access to each system gives a bot. The Golden Rule forbids internal data access together with external
            communication.
          </Text>
          {data.systems.length === 0 ? (
            <EmptyBlock title="No connected systems" description="Systems come from the org file or an import." />
          ) : (
            <Table.ScrollContainer minWidth={560}>
              <Table aria-label="Connected systems" verticalSpacing="xs">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>System</Table.Th>
                    <Table.Th>Key</Table.Th>
                    <Table.Th>Classification</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.systems.map((system) => (
                    <Table.Tr key={system.id}>
                      <Table.Td>
                        <Text size="sm" fw={500}>
                          {system.name}
                        </Text>
                        {system.description && (
                          <Text size="xs" c="dimmed">
                            {system.description}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" ff="monospace">
                          {system.key}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Select
                          aria-label={`Classification of ${system.name}`}
                          data={SYSTEM_CLASSIFICATIONS.map((value) => ({ value, label: CLASSIFICATION_LABELS[value] }))}
                          value={values.classifications[system.key] ?? system.classification}
                          onChange={(value) =>
                            value &&
                            set("classifications", { ...values.classifications, [system.key]: value as TSystemClassification })
                          }
                          allowDeselect={false}
                          w={240}
                        />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Fieldset>

        {mayEdit && (
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={() => { setValues(toValues(data)); update.reset(); }}>
              Discard changes
            </Button>
            <Button type="submit" loading={update.isPending}>
              Save policy
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}
