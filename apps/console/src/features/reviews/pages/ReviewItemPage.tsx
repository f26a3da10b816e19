import type { TAccessReviewDecision, TAccessReviewItemDetail } from "@bridle/contracts";
import { Alert, Badge, Button, Checkbox, Group, List, Paper, SegmentedControl, SimpleGrid, Stack, Table, Text, Textarea, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { getRouteApi } from "@tanstack/react-router";
import { useState, type ReactNode } from "react";
import { ConfirmDialog } from "../../../components/ConfirmDialog.tsx";
import { AnchorLink } from "../../../components/links.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { day, DECISION_LABELS, itemState } from "../labels.ts";
import { useDecideReviewItem, useReviewItem } from "../queries.ts";

const route = getRouteApi("/reviews/items/$itemId");

/** One access review item: everything needed to decide it, and the decision (keep, reduce, offboard). */
export function ReviewItemPage() {
  const { itemId } = route.useParams();
  const item = useReviewItem(itemId);
  if (item.isPending) return <LoadingBlock label="Loading the review" />;
  if (item.isError) return <ErrorBlock error={item.error} onRetry={() => void item.refetch()} />;
  return <ReviewItem item={item.data} />;
}

type Picks = { grantIds: Set<string>; channels: Set<string>; credentialReferenceIds: Set<string> };
const toggle = (set: Set<string>, value: string) => {
  const next = new Set(set);
  if (next.has(value)) next.delete(value);
  else next.add(value);
  return next;
};

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md">
      <Stack gap="xs">
        <Title order={2} fz="h4">
          {title}
        </Title>
        {children}
      </Stack>
    </Paper>
  );
}

function ReviewItem({ item }: { item: TAccessReviewItemDetail }) {
  const decide = useDecideReviewItem(item.id);
  const [decision, setDecision] = useState<TAccessReviewDecision>("keep");
  const [note, setNote] = useState("");
  const [reason, setReason] = useState("");
  const [picks, setPicks] = useState<Picks>({ grantIds: new Set(), channels: new Set(), credentialReferenceIds: new Set() });
  const [confirming, setConfirming] = useState(false);
  const reducing = item.mayDecide && decision === "reduce";
  const picked = picks.grantIds.size + picks.channels.size + picks.credentialReferenceIds.size;
  const state = itemState(item);
  const unused = item.grants.filter((g) => !g.used);

  const submit = () => {
    const body =
      decision === "keep"
        ? { decision, ...(note.trim() ? { note: note.trim() } : {}) }
        : decision === "reduce"
          ? {
              decision,
              ...(note.trim() ? { note: note.trim() } : {}),
              remove: { grantIds: [...picks.grantIds], channels: [...picks.channels], credentialReferenceIds: [...picks.credentialReferenceIds] },
            }
          : { decision, reason: reason.trim() };
    decide.mutate(body, {
      onSuccess: () => {
        setConfirming(false);
        notifications.show({ color: "teal", message: `${item.bot}: ${DECISION_LABELS[decision].toLowerCase()} recorded` });
      },
    });
  };
  const canSubmit = decision === "keep" || (decision === "reduce" && picked > 0) || (decision === "offboard" && reason.trim().length > 0);

  return (
    <>
      <PageHeader
        above={
          <AnchorLink to="/reviews" size="sm">
            ← My reviews
          </AnchorLink>
        }
        title={
          <Group gap="sm">
            <span>Access review: {item.bot}</span>
            <Badge color={state.color} variant="light" size="lg">
              {state.label}
            </Badge>
          </Group>
        }
        description={`${item.campaign} · due ${day(item.dueAt)} · owner ${item.owner ?? "none (admins decide)"} · unused grants looked for since ${day(item.lookbackFrom)}`}
        actions={
          <Group gap="md">
            <AnchorLink to="/bots/$botId" params={{ botId: item.botId }}>
              Open the bot
            </AnchorLink>
            {/* The instructions the owner re-certified: as they were when the item was decided (pinned), else as they are now. */}
            <AnchorLink
              to="/bots/$botId/instructions"
              params={{ botId: item.botId }}
              search={item.decidedAt ? { tab: "at", at: item.decidedAt } : {}}
            >
              {item.decidedAt ? "Instructions as decided" : "Instructions"}
            </AnchorLink>
          </Group>
        }
      />
      {item.paused && (
        <Alert color="red" variant="light" mb="md" title="This bot's gated actions are paused">
          The review is past its due date: every gated action of {item.bot} is denied until it is decided.
        </Alert>
      )}
      {item.status === "decided" && (
        <Alert color="teal" variant="light" mb="md" title={`Decided: ${item.decision ? DECISION_LABELS[item.decision] : ""}`}>
          <Stack gap={4}>
            <Text size="sm">
              By {item.decidedBy} on {item.decidedAt?.replace("T", " ").slice(0, 16)} UTC{item.note ? `: “${item.note}”` : ""}
            </Text>
            {Array.isArray(item.removed) && item.removed.length > 0 && (
              <List size="sm" aria-label="Removed">
                {(item.removed as string[]).map((r) => (
                  <List.Item key={r}>Removed {r}</List.Item>
                ))}
              </List>
            )}
          </Stack>
        </Alert>
      )}

      {item.mayDecide && (
        <Paper withBorder p="md" mb="md">
          <Stack gap="sm">
            <Title order={2} fz="h4">
              Your decision
            </Title>
            <SegmentedControl
              aria-label="Decision"
              value={decision}
              onChange={(v) => setDecision(v as TAccessReviewDecision)}
              data={[
                { value: "keep", label: "Keep" },
                { value: "reduce", label: "Reduce" },
                { value: "offboard", label: "Offboard" },
              ]}
            />
            <Text size="sm" c="dimmed">
              {decision === "keep" && "The bot keeps all its access below."}
              {decision === "reduce" && `Tick the grants, channels and credential references to remove below; they are removed at once. ${picked} picked.`}
              {decision === "offboard" && "An offboarding case opens for IT: the bot is paused, its tokens and credentials revoked, its access removed."}
            </Text>
            {decision === "offboard" ? (
              <Textarea label="Reason" required value={reason} onChange={(e) => setReason(e.currentTarget.value)} placeholder="Why this bot should go" autosize minRows={2} />
            ) : (
              <Textarea label="Note (optional)" value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize minRows={2} />
            )}
            {decide.error != null && !confirming && (
              <Alert color="red" variant="light" role="alert">
                {decide.error.message}
              </Alert>
            )}
            <Group>
              <Button
                color={decision === "keep" ? "teal" : decision === "reduce" ? "orange" : "red"}
                disabled={!canSubmit}
                loading={decide.isPending && !confirming}
                onClick={() => (decision === "keep" ? submit() : setConfirming(true))}
              >
                {decision === "keep" ? "Keep all access" : decision === "reduce" ? `Remove ${picked} and complete the review` : "Offboard this bot"}
              </Button>
            </Group>
          </Stack>
        </Paper>
      )}

      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <Section title={`Grants (${item.grants.length})`}>
          {unused.length > 0 && (
            <Text size="sm" c="orange.8">
              {unused.length} {unused.length === 1 ? "grant was" : "grants were"} not used by any allowed decision in the last {item.lookbackDays} days.
            </Text>
          )}
          {item.grants.length === 0 ? (
            <Text size="sm" c="dimmed">
              No grants.
            </Text>
          ) : (
            <Table verticalSpacing="xs" aria-label="Grants">
              <Table.Tbody>
                {item.grants.map((g) => (
                  <Table.Tr key={g.id}>
                    {reducing && (
                      <Table.Td w={32}>
                        <Checkbox
                          aria-label={`Remove grant ${g.scope}`}
                          checked={picks.grantIds.has(g.id)}
                          onChange={() => setPicks({ ...picks, grantIds: toggle(picks.grantIds, g.id) })}
                        />
                      </Table.Td>
                    )}
                    <Table.Td>
                      <Text size="sm" ff="monospace">
                        {g.scope}
                      </Text>
                    </Table.Td>
                    <Table.Td>{g.access}</Table.Td>
                    <Table.Td>
                      {g.used ? (
                        <Text size="xs" c="dimmed">
                          used {g.lastUsedAt?.slice(0, 10)}
                        </Text>
                      ) : (
                        <Badge color="orange" variant="light">
                          Unused
                        </Badge>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Section>
        <Section title={`Channels (${item.channels.length})`}>
          {item.channels.length === 0 ? (
            <Text size="sm" c="dimmed">
              No channels.
            </Text>
          ) : (
            <Stack gap={6}>
              {item.channels.map((c) =>
                reducing ? (
                  <Checkbox key={c} label={c} aria-label={`Remove channel ${c}`} checked={picks.channels.has(c)} onChange={() => setPicks({ ...picks, channels: toggle(picks.channels, c) })} />
                ) : (
                  <Text key={c} size="sm">
                    {c}
                  </Text>
                ),
              )}
            </Stack>
          )}
        </Section>
        <Section title={`Credential references (${item.credentialReferences.length})`}>
          {item.credentialReferences.length === 0 ? (
            <Text size="sm" c="dimmed">
              No credential references.
            </Text>
          ) : (
            <Table verticalSpacing="xs" aria-label="Credential references">
              <Table.Tbody>
                {item.credentialReferences.map((r) => (
                  <Table.Tr key={r.id}>
                    {reducing && (
                      <Table.Td w={32}>
                        <Checkbox
                          aria-label={`Revoke credential reference ${r.reference}`}
                          disabled={r.status === "revoked"}
                          checked={picks.credentialReferenceIds.has(r.id)}
                          onChange={() => setPicks({ ...picks, credentialReferenceIds: toggle(picks.credentialReferenceIds, r.id) })}
                        />
                      </Table.Td>
                    )}
                    <Table.Td>{r.system}</Table.Td>
                    <Table.Td>
                      <Text size="sm" ff="monospace">
                        {r.reference}
                      </Text>
                    </Table.Td>
                    <Table.Td w={120}>
                      <Badge variant="light" color={r.status === "active" ? "teal" : r.status === "revoked" ? "gray" : "orange"}>
                        {r.status.replace("_", " ")}
                      </Badge>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Section>
        <Section title={`Findings (${item.findings.length})`}>
          {item.findings.length === 0 ? (
            <Text size="sm" c="dimmed">
              The bot follows every org rule.
            </Text>
          ) : (
            <List size="sm">
              {item.findings.map((f) => (
                <List.Item key={`${f.kind}-${f.message}`}>{f.message}</List.Item>
              ))}
            </List>
          )}
        </Section>
        <Section title="Last decisions">
          {item.recentDecisions.length === 0 ? (
            <Text size="sm" c="dimmed">
              The bot's runtime has asked for no decision.
            </Text>
          ) : (
            <Table verticalSpacing="xs" aria-label="Last decisions">
              <Table.Tbody>
                {item.recentDecisions.map((d) => (
                  <Table.Tr key={`${d.at}-${d.action}`}>
                    <Table.Td>{d.at.replace("T", " ").slice(0, 16)}</Table.Td>
                    <Table.Td>{d.action}</Table.Td>
                    <Table.Td>{String(d.target.system ?? d.target.channel ?? "")}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={d.decision === "allow" ? "teal" : d.decision === "deny" ? "red" : "yellow"}>
                        {d.decision}
                      </Badge>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Section>
        <Section title="Last approvals">
          {item.recentApprovals.length === 0 ? (
            <Text size="sm" c="dimmed">
              No approval request for this bot.
            </Text>
          ) : (
            <Table verticalSpacing="xs" aria-label="Last approvals">
              <Table.Tbody>
                {item.recentApprovals.map((a) => (
                  <Table.Tr key={`${a.at}-${a.action}`}>
                    <Table.Td>{a.at.replace("T", " ").slice(0, 16)}</Table.Td>
                    <Table.Td>{a.action}</Table.Td>
                    <Table.Td>{a.actor}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Section>
      </SimpleGrid>

      <ConfirmDialog
        opened={confirming}
        title={decision === "reduce" ? `Remove access from ${item.bot}?` : `Offboard ${item.bot}?`}
        confirmLabel={decision === "reduce" ? "Remove and complete" : "Open the offboarding case"}
        color={decision === "reduce" ? "orange" : "red"}
        loading={decide.isPending}
        error={decide.error}
        onConfirm={submit}
        onCancel={() => setConfirming(false)}
      >
        {decision === "reduce" ? (
          <Stack gap={4}>
            <Text size="sm">These are removed at once:</Text>
            <List size="sm">
              {item.grants
                .filter((g) => picks.grantIds.has(g.id))
                .map((g) => (
                  <List.Item key={g.id}>grant {g.scope}</List.Item>
                ))}
              {[...picks.channels].map((c) => (
                <List.Item key={c}>channel {c}</List.Item>
              ))}
              {item.credentialReferences
                .filter((r) => picks.credentialReferenceIds.has(r.id))
                .map((r) => (
                  <List.Item key={r.id}>credential reference {r.reference} (revoked)</List.Item>
                ))}
            </List>
          </Stack>
        ) : (
          `An offboarding case opens for ${item.bot}, with your reason: “${reason.trim()}”.`
        )}
      </ConfirmDialog>
    </>
  );
}
