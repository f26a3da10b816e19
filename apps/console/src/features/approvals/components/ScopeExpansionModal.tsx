import { GRANT_ACCESS } from "@bridle/contracts";
import type { TBot } from "@bridle/contracts";
import { Alert, Button, Grid, Group, Modal, Select, Stack, Text, TextInput, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import { useKeepOnSessionEnd, useKeptValues } from "../../../lib/kept-forms.ts";
import type { FormEvent } from "react";
import { MutationErrorAlert } from "../../../components/MutationErrorAlert.tsx";
import { errorLookup, formIssues } from "../../../lib/form-errors.ts";
import { humanize } from "../../../lib/format.ts";
import { useSystems } from "../../directory/queries.ts";
import { useLivePreview } from "../live-preview.ts";
import { useCreateApprovalRequest } from "../queries.ts";
import type { TApprovalPreview } from "../schemas.ts";
import {
  dateInDays,
  exceptionBody,
  exceptionComplete,
  initialValues,
  proposedAllowedSystems,
  scopeExpansionBody,
  scopeReady,
} from "../scope-expansion-form.ts";
import type { ExceptionValues, ScopeExpansionValues } from "../scope-expansion-form.ts";
import { ApprovalPreviewPanel } from "./ApprovalPreviewPanel.tsx";
import { ExceptionFields } from "./ExceptionFields.tsx";

/** The warning that reveals the exception fields, worded for the way the bot would break the Golden Rule. */
function goldenRuleWarning(preview: TApprovalPreview): string {
  const reason = preview.reasons.find((r) => r.code === "golden_rule_exception_needed")?.message ?? "";
  if (reason.startsWith("This gives internal data access to a bot with external communication"))
    return "This gives internal data access to a bot with external communication: the Golden Rule needs an exception";
  if (reason.startsWith("The bot already has"))
    return "The bot already has internal data access and external communication without a valid exception: the Golden Rule needs an exception";
  return "This gives external communication to a bot with internal data access: the Golden Rule needs an exception";
}

/** "Request scope expansion" on the bot page: the owner asks for a grant, with a live preview of its effect. */
/** The id under which the form's values are kept when the session ends. */
export const scopeExpansionFormId = (botId: string) => `scope-expansion:${botId}`;

export function ScopeExpansionModal({ bot, opened, onClose }: { bot: TBot; opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title={`Request scope expansion for ${bot.name}`} size={1080} closeOnClickOutside={false} closeButtonProps={{ "aria-label": "Close" }}>
      {/* Mounted only while open, so each opening starts afresh. */}
      {opened && <ScopeExpansionForm bot={bot} onClose={onClose} />}
    </Modal>
  );
}

function ScopeExpansionForm({ bot, onClose }: { bot: TBot; onClose: () => void }) {
  const navigate = useNavigate();
  const systems = useSystems();
  const create = useCreateApprovalRequest();
  // What was typed before a session ended comes back after sign-in (lib/kept-forms.ts).
  const kept = useKeptValues<ScopeExpansionValues>(scopeExpansionFormId(bot.id));
  const [values, setValues] = useState<ScopeExpansionValues>(() => kept ?? initialValues(bot));
  useKeepOnSessionEnd(scopeExpansionFormId(bot.id), values);
  const catalog = systems.data ?? [];

  const allowedSystems = proposedAllowedSystems(values, bot, catalog);
  const ready = scopeReady(values);
  const grant = useLivePreview(ready ? scopeExpansionBody(bot, values, true) : null);
  // The grant's preview decides whether this is a plain scope expansion or a Golden Rule exception.
  const needsException = ready && grant.query.data?.becomesExceptionRequest === true;
  const exceptionReady = needsException && exceptionComplete(values, allowedSystems);
  const exception = useLivePreview(exceptionReady ? exceptionBody(bot, values, allowedSystems, true) : null);
  const shown = exceptionReady && !exception.empty ? exception : grant;

  const errorAt = errorLookup(formIssues(create.error));
  const set = (patch: Partial<ScopeExpansionValues>) => {
    create.reset();
    setValues((previous) => ({ ...previous, ...patch }));
  };
  const setException = (patch: Partial<ExceptionValues>) => {
    create.reset();
    setValues((previous) => ({ ...previous, exception: { ...previous.exception, ...patch } }));
  };
  const chooseSystem = (system: string | null) => {
    // Prefill `<system>:` while the scope is empty or still only another system's prefix.
    const onlyPrefix = values.scope.trim() === "" || (values.system !== null && values.scope.trim() === `${values.system}:`);
    set({ system, scope: onlyPrefix && system ? `${system}:` : values.scope });
  };

  const previewKnown = grant.settled || grant.query.isError;
  const canSubmit =
    ready && values.justification.trim() !== "" && previewKnown && (!needsException || (exceptionComplete(values, allowedSystems) && !exception.query.isFetching));

  // Says why "Submit request" is not available yet, instead of leaving a greyed button to guess at.
  const missing = !ready
    ? "Choose a system and write the scope."
    : values.justification.trim() === ""
      ? "Write a justification."
      : !previewKnown
        ? "Waiting for the preview…"
        : needsException && !exceptionComplete(values, allowedSystems)
          ? "Complete the Golden Rule exception: business purpose, allowed systems or channels, data classification, approval requirements and expiry."
          : null;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!canSubmit) return;
    const body = needsException ? exceptionBody(bot, values, allowedSystems, false) : scopeExpansionBody(bot, values, false);
    create.mutate(body, {
      onSuccess: (request) => {
        notifications.show({
          color: "teal",
          title: needsException ? "Golden Rule exception requested" : "Scope expansion requested",
          message: `${request.approvalsRequired === 2 ? "Two reviewers" : "A reviewer"} with the ${request.approverRole} role will decide it.`,
        });
        onClose();
        void navigate({ to: "/approvals/$requestId", params: { requestId: request.id } });
      },
    });
  };

  const systemData = catalog.map((system) => ({ value: system.key, label: `${system.name} (${humanize(system.classification)})` }));

  return (
    <form onSubmit={submit} noValidate aria-label="Request scope expansion">
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="sm">
            {create.isError && <MutationErrorAlert error={create.error} title="The request was not submitted" />}
            <Select
              label="System"
              placeholder={systems.isError ? "Could not load the connected systems" : "Choose a connected system"}
              data={systemData}
              value={values.system}
              onChange={chooseSystem}
              searchable
              required
              error={errorAt("payload.system") ?? errorAt("payload.grant.system")}
              comboboxProps={{ withinPortal: true }}
            />
            <TextInput
              label="Scope"
              description="System, resource and permission, e.g. github:pull_requests:write"
              placeholder="github:pull_requests:write"
              required
              maxLength={200}
              value={values.scope}
              onChange={(event) => set({ scope: event.currentTarget.value })}
              error={errorAt("payload.scope") ?? errorAt("payload.grant.scope")}
            />
            <Group grow align="flex-start">
              <Select
                label="Access"
                data={GRANT_ACCESS.map((access) => ({ value: access, label: access === "read" ? "Read" : "Write" }))}
                value={values.access}
                onChange={(value) => value && set({ access: value as ScopeExpansionValues["access"] })}
                allowDeselect={false}
                required
              />
              <TextInput
                label="Grant expires"
                description="Optional; empty for no expiry."
                type="date"
                min={dateInDays(1)}
                value={values.grantExpiresOn}
                onChange={(event) => set({ grantExpiresOn: event.currentTarget.value })}
                error={errorAt("payload.grantExpiresAt") ?? errorAt("payload.grant.grantExpiresAt")}
              />
            </Group>
            <Textarea
              label="Justification"
              description="What the bot will do with this access; reviewers read it."
              required
              autosize
              minRows={3}
              maxLength={2000}
              value={values.justification}
              onChange={(event) => set({ justification: event.currentTarget.value })}
              error={errorAt("justification")}
            />
            {needsException && grant.query.data && (
              <>
                <Alert color="orange" variant="light" role="alert" title={goldenRuleWarning(grant.query.data)} data-testid="golden-rule-warning">
                  <Text size="sm">
                    A bot may have internal data access or external communication, never both without an approved exception. This request goes to security as a
                    Golden Rule exception for this grant, under dual control. Document the exception below.
                  </Text>
                </Alert>
                <ExceptionFields values={values.exception} allowedSystems={allowedSystems} systems={catalog} onChange={setException} errorAt={errorAt} />
              </>
            )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <div style={{ position: "sticky", top: 0 }}>
            <ApprovalPreviewPanel
              preview={shown.query.data}
              error={shown.query.error}
              fetching={shown.query.isFetching}
              empty={shown.empty}
              emptyText="Choose a system and write the scope to see what this request would change."
              heading={shown === exception ? "As a Golden Rule exception" : undefined}
            />
          </div>
        </Grid.Col>
      </Grid>
      <Group justify="flex-end" gap="sm" mt="lg">
        {missing && !create.isPending && (
          <Text size="xs" c="dimmed" mr="auto" aria-live="polite">
            {missing}
          </Text>
        )}
        <Button variant="default" onClick={onClose} disabled={create.isPending}>
          Cancel
        </Button>
        <Button type="submit" loading={create.isPending} disabled={!canSubmit}>
          Submit request
        </Button>
      </Group>
    </form>
  );
}
