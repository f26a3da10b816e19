import { LEAK_SOURCE_LABELS, LEAK_SOURCES, ZAuditEventPage, type TAuditEvent, type TLeakPlaybook, type TLeakPlaybookStep, type TLeakSource } from "@bridle/contracts";
import { Alert, Badge, Breadcrumbs, Button, Checkbox, Code, Group, List, Paper, Select, Stack, Table, Text, Textarea, ThemeIcon, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { useState, type ReactNode } from "react";
import { AnchorLink, ButtonLink } from "../../../components/links.tsx";
import { MutationErrorAlert } from "../../../components/MutationErrorAlert.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { api, isApiError } from "../../../lib/api.ts";
import { errorLookup, formIssues } from "../../../lib/form-errors.ts";
import { formatDateTime } from "../../../lib/format.ts";
import { actionLabel } from "../../audit/labels.ts";
import { useCan } from "../../auth/permissions.tsx";
import { useCompleteLeakStep, useLeakPlaybook } from "../queries.ts";

const route = getRouteApi("/leak-playbooks/$playbookId");

const STEP_TITLES: Record<TLeakPlaybookStep, string> = {
  revoke: "Revoke the credential reference",
  review_usage: "Review recent usage",
  notify: "Notify stakeholders",
  trace: "Trace how it leaked",
};
const STEP_HELP: Record<TLeakPlaybookStep, string> = {
  revoke: "Bridle marks the reference revoked, so everyone knows the secret behind it must not be used. Rotate or revoke the secret in its vault too.",
  review_usage: "Look at what the bot did with this system in the window: its decisions, approvals and changes. Note anything unusual.",
  notify: "Tell the bot's owner, the credential's owner, the bot's incident response owner and security, in the console and by their chosen channels.",
  trace: "Record how the secret leaked, so the cause can be fixed.",
};
const ROLE_LABELS: Record<string, string> = {
  owner: "Bot owner",
  credential_owner: "Credential owner",
  incident_response_owner: "Incident response owner",
  security: "Security",
};

/** Events that name the playbook's system: a decision or request's target, or a change's details. */
const namesSystem = (event: TAuditEvent, system: string) => {
  const d = event.details as { target?: { system?: unknown }; system?: unknown; reference?: { system?: unknown } };
  return d.target?.system === system || d.system === system || d.reference?.system === system;
};

function UsageReview({ playbook }: { playbook: TLeakPlaybook }) {
  const can = useCan();
  const [onlySystem, setOnlySystem] = useState(false);
  const to = playbook.closedAt ?? null;
  const events = useQuery({
    queryKey: ["credentials", "playbook-usage", playbook.id, to],
    queryFn: ({ signal }) => api.get("/api/v1/audit-events", ZAuditEventPage, { botId: playbook.bot.id, from: playbook.usageWindow.from, to: to ?? undefined, limit: 100 }, signal),
    enabled: can("audit.read"),
  });
  const day = (iso: string) => iso.slice(0, 10);
  const link = (
    <ButtonLink to="/audit" search={{ botId: playbook.bot.id, from: day(playbook.usageWindow.from), to: day(to ?? new Date().toISOString()) }} variant="default" size="xs">
      Open in the audit log
    </ButtonLink>
  );
  if (!can("audit.read"))
    return (
      <Text size="sm" c="dimmed">
        Reading the bot's audit events needs the audit log permission.
      </Text>
    );
  if (events.isPending) return <LoadingBlock label="Loading the bot's recent events" />;
  if (events.isError) return <ErrorBlock title="Could not load the bot's events" error={events.error} onRetry={() => void events.refetch()} />;
  const shown = events.data.items.filter((e) => !onlySystem || namesSystem(e, playbook.credentialReference.system));
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Text size="sm">
          Events of {playbook.bot.name} from {formatDateTime(playbook.usageWindow.from)} to {to ? formatDateTime(to) : "now"}
          {events.data.nextCursor ? " (the latest 100; the audit log has them all)" : ""}.
        </Text>
        <Group gap="sm">
          <Checkbox label={`Only events naming ${playbook.credentialReference.system}`} checked={onlySystem} onChange={(e) => setOnlySystem(e.currentTarget.checked)} />
          {link}
        </Group>
      </Group>
      {shown.length === 0 ? (
        <Text size="sm" c="dimmed">
          No events in this window{onlySystem ? ` naming ${playbook.credentialReference.system}` : ""}.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={700} mah={320}>
          <Table aria-label="Recent usage" verticalSpacing={4} fz="sm" withTableBorder stickyHeader>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>Who</Table.Th>
                <Table.Th>What</Table.Th>
                <Table.Th>Outcome</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.map((e) => (
                <Table.Tr key={e.id} bg={namesSystem(e, playbook.credentialReference.system) ? "var(--mantine-color-yellow-light)" : undefined}>
                  <Table.Td>
                    <AnchorLink to="/audit/$eventId" params={{ eventId: e.id }} size="sm">
                      {formatDateTime(e.at)}
                    </AnchorLink>
                  </Table.Td>
                  <Table.Td>{e.actor.label ?? e.actor.type}</Table.Td>
                  <Table.Td>{actionLabel(e.action)}</Table.Td>
                  <Table.Td>{e.outcome}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

function StepDone({ step }: { step: TLeakPlaybook["steps"][number] }) {
  const d = step.details;
  const extra = (): ReactNode => {
    if (step.step === "revoke") {
      const refs = (d.references as { system: string; reference: string }[] | undefined) ?? [];
      return refs.map((r) => (
        <Text key={r.reference} size="sm">
          Revoked <Code>{r.reference}</Code> ({r.system}); rotate it in its vault.
        </Text>
      ));
    }
    if (step.step === "review_usage") return <Text size="sm">Reviewed {formatDateTime(String(d.from))} to {formatDateTime(String(d.to))}.</Text>;
    if (step.step === "notify") return <Text size="sm">Told {((d.recipients as string[] | undefined) ?? []).join(", ") || "nobody (no active stakeholder)"}.</Text>;
    if (step.step === "trace") return <Text size="sm">How it leaked: {LEAK_SOURCE_LABELS[d.source as TLeakSource] ?? String(d.source)}.</Text>;
    return null;
  };
  return (
    <Stack gap={4}>
      <Text size="sm" c="dimmed">
        Done by {step.doneBy?.label ?? "Bridle"} on {formatDateTime(step.doneAt)}
      </Text>
      {extra()}
      {step.notes && (
        <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
          Notes: {step.notes}
        </Text>
      )}
    </Stack>
  );
}

function StepForm({ playbook, step }: { playbook: TLeakPlaybook; step: TLeakPlaybookStep }) {
  const complete = useCompleteLeakStep(playbook.id, playbook.bot.id);
  const [notes, setNotes] = useState("");
  const [source, setSource] = useState<TLeakSource | null>(null);
  const errorAt = errorLookup(formIssues(complete.error));
  const submit = () => {
    const n = notes.trim() ? { notes: notes.trim() } : {};
    if (step === "trace") {
      if (source) complete.mutate({ step, source, ...n });
    } else complete.mutate({ step, ...n });
  };
  const label: Record<TLeakPlaybookStep, string> = { revoke: "Revoke", review_usage: "Mark reviewed", notify: "Notify stakeholders", trace: "Record how it leaked" };
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <Stack gap="sm">
        {step === "trace" && (
          <Select
            label="How it leaked"
            placeholder="Choose"
            data={LEAK_SOURCES.map((s) => ({ value: s, label: LEAK_SOURCE_LABELS[s] }))}
            value={source}
            onChange={(v) => setSource(v as TLeakSource | null)}
            required
            w={260}
            error={errorAt("source")}
          />
        )}
        <Textarea
          label="Notes"
          aria-label={`Notes: ${STEP_TITLES[step]}`}
          placeholder={step === "trace" ? "Where it was seen, and what fixes the cause" : "What you did or found"}
          value={notes}
          onChange={(e) => setNotes(e.currentTarget.value)}
          autosize
          minRows={2}
          maxLength={2000}
          required={step === "trace" && source === "other"}
          error={errorAt("notes")}
        />
        {complete.isError && <MutationErrorAlert error={complete.error} title="The step was not recorded" />}
        <Group>
          <Button type="submit" loading={complete.isPending} color={step === "revoke" ? "red" : undefined} disabled={step === "trace" && !source}>
            {label[step]}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function Playbook({ playbook }: { playbook: TLeakPlaybook }) {
  const can = useCan();
  const mayWork = can("credentials.respond") && playbook.status === "open";
  const doneCount = playbook.steps.filter((s) => s.done).length;
  return (
    <>
      <PageHeader
        above={
          <Breadcrumbs>
            <AnchorLink to="/leak-playbooks" size="sm">
              Leak playbooks
            </AnchorLink>
            <Text size="sm">{playbook.bot.name}</Text>
          </Breadcrumbs>
        }
        title={`Suspected leak: ${playbook.credentialReference.system} credential of ${playbook.bot.name}`}
        description={
          <>
            <Code>{playbook.credentialReference.reference}</Code> · started by {playbook.startedBy.label ?? "Bridle"} on {formatDateTime(playbook.startedAt)}
          </>
        }
        actions={
          <ButtonLink to="/bots/$botId" params={{ botId: playbook.bot.id }} variant="default">
            Open the bot
          </ButtonLink>
        }
      />
      <Stack gap="lg">
        <Group gap="sm">
          <Badge color={playbook.status === "open" ? "red" : "teal"} variant="light" radius="sm" size="lg" data-testid="playbook-status">
            {playbook.status === "open" ? "Open" : "Closed"}
          </Badge>
          <Text size="sm" c="dimmed">
            {doneCount} of 4 steps done{playbook.closedAt ? ` · closed ${formatDateTime(playbook.closedAt)}` : ""}
          </Text>
        </Group>
        <Paper withBorder radius="md" p="md">
          <Text size="sm" fw={500}>
            Reason
          </Text>
          <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
            {playbook.reason}
          </Text>
        </Paper>
        {playbook.status === "open" ? (
          <Alert color="orange" variant="light" title="Gated actions are held" data-testid="playbook-hold">
            Until this playbook closes, every gated action {playbook.bot.name} asks for needs security's approval. It closes when all four steps are done.
          </Alert>
        ) : (
          <Alert color="teal" variant="light" title="Closed">
            Every step is done; {playbook.bot.name}'s gated actions follow the usual rules again.
          </Alert>
        )}

        <Stack gap="md" component="ol" style={{ listStyle: "none", padding: 0, margin: 0 }} aria-label="Steps">
          {playbook.steps.map((s, index) => (
            <Paper key={s.step} component="li" withBorder radius="md" p="lg" aria-label={STEP_TITLES[s.step]} data-testid={`step-${s.step}`} data-done={s.done}>
              <Group gap="sm" mb="xs" wrap="nowrap" align="flex-start">
                <ThemeIcon radius="xl" size="md" color={s.done ? "teal" : "gray"} variant={s.done ? "filled" : "light"} aria-hidden>
                  {s.done ? "✓" : index + 1}
                </ThemeIcon>
                <Stack gap={2}>
                  <Title order={2} fz="h5">
                    {index + 1}. {STEP_TITLES[s.step]} {s.done && <Badge color="teal" variant="light" radius="sm" ml={6}>Done</Badge>}
                  </Title>
                  <Text size="sm" c="dimmed">
                    {STEP_HELP[s.step]}
                  </Text>
                </Stack>
              </Group>
              <Stack gap="sm" pl={44}>
                {s.step === "review_usage" && <UsageReview playbook={playbook} />}
                {s.step === "notify" && (
                  <List size="sm" spacing={2}>
                    {playbook.stakeholders.map((h) => (
                      <List.Item key={`${h.role}-${h.email ?? ""}`}>
                        {ROLE_LABELS[h.role]}: {h.role === "security" ? "everyone with the security role" : (h.person?.displayName ?? h.email ?? "—")}
                        {h.role === "incident_response_owner" && !h.person ? " (not a person in Bridle: tell them yourself)" : ""}
                      </List.Item>
                    ))}
                  </List>
                )}
                {s.done ? <StepDone step={s} /> : mayWork ? <StepForm playbook={playbook} step={s.step} /> : <Text size="sm" c="dimmed">Not done yet.</Text>}
              </Stack>
            </Paper>
          ))}
        </Stack>
      </Stack>
    </>
  );
}

/** One leak playbook: the reason, the hold on the bot's gated actions, and the four-step checklist. */
export function LeakPlaybookPage() {
  const { playbookId } = route.useParams();
  const query = useLeakPlaybook(playbookId);
  if (query.isPending) return <LoadingBlock label="Loading the leak playbook" />;
  if (query.isError) {
    if (isApiError(query.error) && (query.error.status === 404 || query.error.status === 400))
      return (
        <EmptyBlock
          title="Leak playbook not found"
          action={
            <ButtonLink to="/leak-playbooks" variant="default">
              All leak playbooks
            </ButtonLink>
          }
        />
      );
    return <ErrorBlock title="Could not load the leak playbook" error={query.error} onRetry={() => void query.refetch()} />;
  }
  return <Playbook playbook={query.data} />;
}
