import { DATA_ACCESS_LEVELS, ENVIRONMENTS, GATED_ACTIONS, LIFECYCLE_STATUSES, SHELL_EXECUTION_POLICIES, ZVersionConflictDetails } from "@bridle/contracts";
import type { TBot } from "@bridle/contracts";
import {
  ActionIcon,
  Alert,
  Button,
  Fieldset,
  Group,
  List,
  Modal,
  MultiSelect,
  Select,
  SimpleGrid,
  Stack,
  TagsInput,
  Text,
  TextInput,
  Textarea,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import type { FormEvent, ReactNode } from "react";
import { errorMessage, fieldIssues, isApiError } from "../../../lib/api.ts";
import type { FieldIssue } from "../../../lib/api.ts";
import { humanize } from "../../../lib/format.ts";
import { useKeepOnSessionEnd, useKeptValues } from "../../../lib/kept-forms.ts";
import { useCan } from "../../auth/permissions.tsx";
import { useMe } from "../../auth/queries.ts";
import { useSkillRefs } from "../../skills/queries.ts";
import { usePeople, useSystems, useTeams } from "../../directory/queries.ts";
import { usePolicy } from "../../policy/queries.ts";
import {
  emptyGrant,
  emptyServiceAccount,
  toBotInput,
  toFormValues,
  toUpdateRequest,
} from "../form-values.ts";
import type { BotFormValues, RuntimeProfileValues } from "../form-values.ts";
import { botQueryOptions, useCreateBot, useUpdateBot } from "../queries.ts";

type Props = {
  opened: boolean;
  onClose: () => void;
  /** The bot to edit; absent to register a new one. */
  bot?: TBot;
  onSaved?: (bot: TBot) => void;
};

/** The id under which the form's values are kept when the session ends (lib/kept-forms.ts). */
export const botFormId = (botId?: string) => `bot:${botId ?? "new"}`;

/** Register (POST /api/v1/bots) or edit (PATCH /api/v1/bots/{id}) a bot. */
export function BotFormModal({ opened, onClose, bot, onSaved }: Props) {
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={bot ? `Edit ${bot.name}` : "Register bot"}
      size="xl"
      closeOnClickOutside={false}
      closeButtonProps={{ "aria-label": "Close" }}
    >
      {/* Mounted only while open, so every opening starts from the current bot. */}
      <BotForm bot={bot} onClose={onClose} onSaved={onSaved} />
    </Modal>
  );
}

/** Server paths look like `name`, `grants.0.scope` or `body.name`; the form keys them without `body`. */
const normalizePath = (path: string) => path.replace(/^body\.?/, "");

const options = (values: readonly string[]) => values.map((value) => ({ value, label: humanize(value) }));

function RowRemove({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <ActionIcon variant="subtle" color="gray" aria-label={label} onClick={onClick} mt={4}>
      <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} aria-hidden>
        <path d="M6 6l12 12M18 6L6 18" strokeLinecap="round" />
      </svg>
    </ActionIcon>
  );
}

function Section({ legend, children, disabled = false }: { legend: string; children: ReactNode; disabled?: boolean }) {
  return (
    <Fieldset legend={legend} radius="md" disabled={disabled}>
      <Stack gap="sm">{children}</Stack>
    </Fieldset>
  );
}

function BotForm({ bot, onClose, onSaved }: Omit<Props, "opened">) {
  const queryClient = useQueryClient();
  const people = usePeople();
  const skillRefs = useSkillRefs();
  const approvedSkills = (skillRefs.data ?? []).filter((s) => s.status === "approved").map((s) => s.ref);
  const teams = useTeams();
  const systems = useSystems();
  const policy = usePolicy();
  const create = useCreateBot();
  const update = useUpdateBot(bot?.id ?? "");
  const mutation = bot ? update : create;

  const me = useMe();
  const can = useCan();
  // Without bots.write_all a person registers and keeps bots under their own name only (the API refuses others).
  const ownerFixed = !can("bots.write_all");
  // Values typed before the session ended come back after sign-in, with the version they were based on.
  const kept = useKeptValues<{ values: BotFormValues; version: number }>(botFormId(bot?.id));
  const [values, setValues] = useState<BotFormValues>(() => {
    if (kept) return kept.values;
    const initial = toFormValues(bot);
    return !bot && ownerFixed && me.data ? { ...initial, owner: me.data.email } : initial;
  });
  const [version, setVersion] = useState(kept?.version ?? bot?.version ?? 0);
  useKeepOnSessionEnd(botFormId(bot?.id), { values, version });
  const errorRef = useRef<HTMLDivElement>(null);

  // The submit button is at the foot of a long form: bring the server's answer into view.
  useEffect(() => {
    if (mutation.error) errorRef.current?.scrollIntoView({ behavior: "smooth", block: "start" });
  }, [mutation.error]);

  const set = <K extends keyof BotFormValues>(key: K, value: BotFormValues[K]) =>
    setValues((previous) => ({ ...previous, [key]: value }));
  const setProfile = <K extends keyof RuntimeProfileValues>(key: K, value: RuntimeProfileValues[K]) =>
    setValues((previous) => ({ ...previous, runtimeProfile: { ...previous.runtimeProfile, [key]: value } }));
  const setRow = <K extends "grants" | "serviceAccounts">(
    key: K,
    index: number,
    patch: Partial<BotFormValues[K][number]>,
  ) =>
    setValues((previous) => ({
      ...previous,
      [key]: previous[key].map((row, i) => (i === index ? { ...row, ...patch } : row)),
    }));
  const removeRow = (key: "grants" | "serviceAccounts", index: number) =>
    setValues((previous) => ({ ...previous, [key]: previous[key].filter((_, i) => i !== index) }));

  const issues: FieldIssue[] =
    isApiError(mutation.error) && mutation.error.status === 400
      ? fieldIssues(mutation.error.details).map((issue) => ({ ...issue, path: normalizePath(issue.path) }))
      : [];
  const errorAt = (path: string) => {
    const found = issues.filter((issue) => issue.path === path).map((issue) => issue.message);
    return found.length > 0 ? found.join("; ") : undefined;
  };
  // A 409 with the bot's current version is a version conflict (someone else saved first); other 409s (a name clash) are plain errors.
  const conflict =
    bot !== undefined &&
    isApiError(mutation.error) &&
    mutation.error.status === 409 &&
    ZVersionConflictDetails.safeParse(mutation.error.details).success;

  const reloadLatest = async () => {
    if (!bot) return;
    const fresh = await queryClient.fetchQuery({ ...botQueryOptions(bot.id), staleTime: 0 });
    setValues(toFormValues(fresh));
    setVersion(fresh.version);
    mutation.reset();
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const handlers = {
      onSuccess: (saved: TBot) => {
        notifications.show({
          color: "teal",
          title: bot ? "Changes saved" : "Bot registered",
          message: bot ? `${saved.name} is up to date.` : `${saved.name} is in the inventory.`,
        });
        onClose();
        onSaved?.(saved);
      },
    };
    if (bot) update.mutate(toUpdateRequest(values, version), handlers);
    else create.mutate(toBotInput(values), handlers);
  };

  const domain = policy.data?.policy.botEmailDomain;
  const systemOptions = (systems.data ?? []).map((system) => ({ value: system.key, label: system.name }));
  const ownerOptions = (people.data ?? []).map((person) => ({
    value: person.email,
    label: `${person.displayName} <${person.email}>${person.status === "deactivated" ? " (deactivated)" : ""}`,
    disabled: person.status === "deactivated" && person.email !== values.owner,
  }));
  if (values.owner && !ownerOptions.some((option) => option.value === values.owner)) {
    ownerOptions.unshift({ value: values.owner, label: values.owner, disabled: false });
  }
  const teamOptions = (teams.data ?? []).map((team) => ({ value: team.slug, label: team.name }));
  if (values.team && !teamOptions.some((option) => option.value === values.team)) {
    teamOptions.unshift({ value: values.team, label: values.team });
  }
  const channelSuggestions = policy.data?.policy.channelAllowlist ?? [];
  const profile = values.runtimeProfile;

  return (
    <form onSubmit={onSubmit} noValidate aria-label={bot ? "Edit bot" : "Register bot"}>
      <Stack gap="md" ref={errorRef} style={{ scrollMarginTop: 72 }}>
        {conflict && (
          <Alert color="orange" variant="light" title="Someone else changed this bot" role="alert">
            <Stack gap="xs">
              <Text size="sm">
                The bot was changed since you opened this form, so your changes were not saved. Reload the latest version and
                make your changes again.
              </Text>
              <Group>
                <Button size="xs" variant="default" onClick={() => void reloadLatest()}>
                  Reload latest version
                </Button>
              </Group>
            </Stack>
          </Alert>
        )}
        {kept && mutation.isIdle && (
          <Alert color="blue" variant="light" title="Your changes are back" data-testid="bot-form-resumed">
            <Text size="sm">Your session ended before this was saved. Check what you typed, then save.</Text>
          </Alert>
        )}
        {mutation.isError && !conflict && (
          <Alert color="red" variant="light" title="The bot was not saved" role="alert" data-testid="bot-form-errors">
            <Text size="sm">{errorMessage(mutation.error)}</Text>
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

        <Section legend="Bot">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="Name"
              required
              description="Lowercase letters, digits and hyphens"
              value={values.name}
              onChange={(event) => set("name", event.currentTarget.value)}
              error={errorAt("name")}
              data-autofocus
            />
            <TextInput
              label="Bot email"
              type="email"
              description={`Leave empty to generate ${values.name.trim() || "<name>"}.bot@${domain ?? "<org domain>"}`}
              value={values.email}
              onChange={(event) => set("email", event.currentTarget.value)}
              error={errorAt("email")}
            />
            <Select
              label="Owner"
              required
              placeholder={people.isPending ? "Loading people…" : "Choose the owner"}
              data={ownerOptions}
              value={values.owner || null}
              onChange={(value) => set("owner", value ?? "")}
              searchable
              disabled={ownerFixed || bot !== undefined}
              description={
                bot
                  ? "To give the bot to someone else, use Transfer ownership on the bot's page"
                  : ownerFixed
                    ? "Only IT or an admin can register a bot for another owner"
                    : undefined
              }
              nothingFoundMessage="No one matches"
              error={errorAt("owner") ?? (people.isError ? `Could not load people: ${errorMessage(people.error)}` : undefined)}
            />
            <Select
              label="Team"
              required
              placeholder={teams.isPending ? "Loading teams…" : "Choose the team"}
              data={teamOptions}
              value={values.team || null}
              onChange={(value) => set("team", value ?? "")}
              searchable
              error={errorAt("team") ?? (teams.isError ? `Could not load teams: ${errorMessage(teams.error)}` : undefined)}
            />
          </SimpleGrid>
          <Textarea
            label="Business purpose"
            required
            autosize
            minRows={2}
            value={values.purpose}
            onChange={(event) => set("purpose", event.currentTarget.value)}
            error={errorAt("purpose")}
          />
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <Select
              label="Environment"
              data={options(ENVIRONMENTS)}
              value={values.environment}
              onChange={(value) => value && set("environment", value as BotFormValues["environment"])}
              allowDeselect={false}
              error={errorAt("environment")}
            />
            <Select
              label="Lifecycle status"
              data={options(LIFECYCLE_STATUSES)}
              value={values.status}
              onChange={(value) => value && set("status", value as BotFormValues["status"])}
              allowDeselect={false}
              error={errorAt("status")}
            />
            <TextInput
              label="Runtime"
              placeholder="e.g. OpenClaw 2026.1"
              value={values.runtime}
              onChange={(event) => set("runtime", event.currentTarget.value)}
              error={errorAt("runtime")}
            />
          </SimpleGrid>
        </Section>

        <Section legend="Access" disabled={ownerFixed}>
          {ownerFixed && (
            <Text size="sm" c="dimmed" data-testid="scope-locked">
              Grants, channels and data access change through an approval: use “Request scope expansion” on the bot page.
            </Text>
          )}
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Select
              label="Internal data access"
              data={options(DATA_ACCESS_LEVELS)}
              value={values.internalDataAccess}
              onChange={(value) => value && set("internalDataAccess", value as BotFormValues["internalDataAccess"])}
              allowDeselect={false}
              error={errorAt("internalDataAccess")}
            />
            <TagsInput
              label="External channels"
              description="Press Enter after each channel"
              data={channelSuggestions}
              value={values.channels}
              onChange={(value) => set("channels", value)}
              clearable
              error={errorAt("channels")}
            />
          </SimpleGrid>
          <MultiSelect
            label="Approval-gated actions"
            description="Actions this bot may only take with a human's approval"
            data={GATED_ACTIONS.map((value) => ({ value, label: value }))}
            value={values.gatedActions}
            onChange={(value) => set("gatedActions", value as BotFormValues["gatedActions"])}
            clearable
            error={errorAt("gatedActions")}
          />

          <Text fw={600} size="sm" mt="xs">
            Grants
          </Text>
          {values.grants.length === 0 && (
            <Text size="sm" c="dimmed">
              No grants.
            </Text>
          )}
          {values.grants.map((grant, index) => {
            const n = index + 1;
            return (
              <Group key={grant.key} align="flex-start" gap="xs" wrap="nowrap" data-testid={`grant-row-${n}`}>
                <Select
                  aria-label={`Grant ${n} system`}
                  placeholder="System"
                  data={systemOptions}
                  value={grant.system || null}
                  onChange={(value) => setRow("grants", index, { system: value ?? "" })}
                  searchable
                  w={170}
                  error={errorAt(`grants.${index}.system`)}
                />
                <TextInput
                  aria-label={`Grant ${n} scope`}
                  placeholder={`Scope, e.g. ${grant.system || "github"}:issues:write`}
                  value={grant.scope}
                  onChange={(event) => setRow("grants", index, { scope: event.currentTarget.value })}
                  style={{ flex: 1 }}
                  error={errorAt(`grants.${index}.scope`)}
                />
                <Select
                  aria-label={`Grant ${n} access`}
                  data={[
                    { value: "read", label: "Read" },
                    { value: "write", label: "Write" },
                  ]}
                  value={grant.access}
                  onChange={(value) => value && setRow("grants", index, { access: value as "read" | "write" })}
                  allowDeselect={false}
                  w={100}
                  error={errorAt(`grants.${index}.access`)}
                />
                <TextInput
                  aria-label={`Grant ${n} expiry`}
                  type="date"
                  value={grant.expiresAt}
                  onChange={(event) => setRow("grants", index, { expiresAt: event.currentTarget.value })}
                  w={150}
                  error={errorAt(`grants.${index}.expiresAt`)}
                />
                <RowRemove label={`Remove grant ${n}`} onClick={() => removeRow("grants", index)} />
              </Group>
            );
          })}
          <Group>
            <Button variant="light" size="xs" onClick={() => set("grants", [...values.grants, emptyGrant()])}>
              Add grant
            </Button>
          </Group>
        </Section>

        <Section legend="Identity and credentials">
          <Text fw={600} size="sm">
            Service accounts
          </Text>
          <Text size="xs" c="dimmed" mt={-8}>
            One per connected system; a bot never runs as a person's account.
          </Text>
          {values.serviceAccounts.map((account, index) => {
            const n = index + 1;
            return (
              <Group key={account.key} align="flex-start" gap="xs" wrap="nowrap">
                <Select
                  aria-label={`Service account ${n} system`}
                  placeholder="System"
                  data={systemOptions}
                  value={account.system || null}
                  onChange={(value) => setRow("serviceAccounts", index, { system: value ?? "" })}
                  searchable
                  w={170}
                  error={errorAt(`serviceAccounts.${index}.system`)}
                />
                <TextInput
                  aria-label={`Service account ${n} account`}
                  placeholder="Account, e.g. acme-triage-bot"
                  value={account.account}
                  onChange={(event) => setRow("serviceAccounts", index, { account: event.currentTarget.value })}
                  style={{ flex: 1 }}
                  error={errorAt(`serviceAccounts.${index}.account`)}
                />
                <RowRemove label={`Remove service account ${n}`} onClick={() => removeRow("serviceAccounts", index)} />
              </Group>
            );
          })}
          <Group>
            <Button
              variant="light"
              size="xs"
              onClick={() => set("serviceAccounts", [...values.serviceAccounts, emptyServiceAccount()])}
            >
              Add service account
            </Button>
          </Group>

          <TextInput
            label="Credential storage"
            placeholder="e.g. 1Password vault bots-prod"
            value={values.credentialStorage}
            onChange={(event) => set("credentialStorage", event.currentTarget.value)}
            error={errorAt("credentialStorage")}
          />
        </Section>

        <Section legend="Runtime profile">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="Runtime owner"
              value={profile.runtimeOwner}
              onChange={(event) => setProfile("runtimeOwner", event.currentTarget.value)}
              error={errorAt("runtimeProfile.runtimeOwner")}
            />
            <TextInput
              label="Hosting environment"
              placeholder="e.g. k8s prod-eu / namespace bots"
              value={profile.hostingEnvironment}
              onChange={(event) => setProfile("hostingEnvironment", event.currentTarget.value)}
              error={errorAt("runtimeProfile.hostingEnvironment")}
            />
            <TextInput
              label="Workspace persistence"
              placeholder="e.g. ephemeral"
              value={profile.workspacePersistence}
              onChange={(event) => setProfile("workspacePersistence", event.currentTarget.value)}
              error={errorAt("runtimeProfile.workspacePersistence")}
            />
            <Select
              label="Shell execution policy"
              placeholder="Not set"
              data={options(SHELL_EXECUTION_POLICIES)}
              value={profile.shellExecutionPolicy}
              onChange={(value) => setProfile("shellExecutionPolicy", value as RuntimeProfileValues["shellExecutionPolicy"])}
              clearable
              error={errorAt("runtimeProfile.shellExecutionPolicy")}
            />
            <TagsInput
              label="Network access policy (egress allowlist)"
              description="Hosts the bot may reach; press Enter after each"
              value={profile.networkAccessPolicy}
              onChange={(value) => setProfile("networkAccessPolicy", value)}
              clearable
              error={errorAt("runtimeProfile.networkAccessPolicy")}
            />
            <TagsInput
              label="Allowed tools"
              description="Registry versions, name@version (e.g. gh@2.63.0); a tool security has not approved in Skills raises a finding"
              data={approvedSkills}
              value={profile.allowedTools}
              onChange={(value) => setProfile("allowedTools", value)}
              clearable
              error={errorAt("runtimeProfile.allowedTools")}
            />
            <TextInput
              label="Data retention"
              placeholder="e.g. 30 days"
              value={profile.dataRetention}
              onChange={(event) => setProfile("dataRetention", event.currentTarget.value)}
              error={errorAt("runtimeProfile.dataRetention")}
            />
            <TextInput
              label="Incident response owner"
              value={profile.incidentResponseOwner}
              onChange={(event) => setProfile("incidentResponseOwner", event.currentTarget.value)}
              error={errorAt("runtimeProfile.incidentResponseOwner")}
            />
          </SimpleGrid>
          <Textarea
            label="Deletion procedure"
            autosize
            minRows={2}
            value={profile.deletionProcedure}
            onChange={(event) => setProfile("deletionProcedure", event.currentTarget.value)}
            error={errorAt("runtimeProfile.deletionProcedure")}
          />
        </Section>

        <Group justify="flex-end" gap="sm" pt="xs">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={mutation.isPending}>
            {bot ? "Save changes" : "Create bot"}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
