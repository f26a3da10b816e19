import { INCIDENT_PHASE_LABELS, INCIDENT_PHASES, ROOT_CAUSE_CLASSES, ROOT_CAUSE_LABELS, type TIncident, type TIncidentPhase, type TRootCauseClass } from "@bridle/contracts";
import { Badge, Button, Group, Paper, Select, SimpleGrid, Stack, Stepper, Table, Text, Textarea, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { getRouteApi } from "@tanstack/react-router";
import { useState } from "react";
import { ConfirmDialog } from "../../../components/ConfirmDialog.tsx";
import { AnchorLink } from "../../../components/links.tsx";
import { MutationErrorAlert } from "../../../components/MutationErrorAlert.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { errorMessage } from "../../../lib/api.ts";
import { formatDateTime } from "../../../lib/format.ts";
import { Fact, FactList, NotSet } from "../../bots/components/FactList.tsx";
import { DrillBadge, PhaseBadge, SeverityBadge } from "../components/badges.tsx";
import { downloadSummary, useIncident, useUpdateIncident } from "../queries.ts";

const route = getRouteApi("/incidents/$incidentId");

const nextPhase = (p: TIncidentPhase): TIncidentPhase | null => INCIDENT_PHASES[INCIDENT_PHASES.indexOf(p) + 1] ?? null;

/** The form of the current phase: what it asks for, Save, and the move to the next phase. */
function PhaseForm({ incident }: { incident: TIncident }) {
  const update = useUpdateIncident(incident.id);
  const [containment, setContainment] = useState(incident.containment ?? "");
  const [rootCauseClass, setRootCauseClass] = useState<TRootCauseClass | null>(incident.rootCauseClass);
  const [rootCause, setRootCause] = useState(incident.rootCause ?? "");
  const [permanentFix, setPermanentFix] = useState(incident.permanentFix ?? "");
  const [newMonitors, setNewMonitors] = useState(incident.newMonitors ?? "");
  const [confirmClose, setConfirmClose] = useState(false);
  const phase = incident.phase;
  const next = nextPhase(phase);
  const fields = {
    ...(phase === "stop_the_bleeding" ? { containment } : {}),
    ...(phase === "classify" ? { ...(rootCauseClass ? { rootCauseClass } : {}), rootCause } : {}),
    ...(phase === "fix_and_prove" ? { permanentFix } : {}),
    ...(phase === "make_it_stick" ? { newMonitors } : {}),
  };
  const save = (move: boolean) =>
    update.mutate(
      { version: incident.version, ...fields, ...(move && next ? { phase: next } : {}) },
      {
        onSuccess: (i) => {
          setConfirmClose(false);
          notifications.show({ color: "teal", message: move ? `Moved to ${INCIDENT_PHASE_LABELS[i.phase]}` : "Saved" });
        },
      },
    );
  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-label="Current phase">
      <Title order={2} fz="h4" mb="sm">
        {INCIDENT_PHASE_LABELS[phase]}
      </Title>
      <Stack>
        {phase === "stop_the_bleeding" && (
          <Textarea
            label="Containment"
            description="What stopped the bleeding: the kill switch engaged, a bot paused, a token or credential revoked"
            autosize
            minRows={3}
            value={containment}
            onChange={(e) => setContainment(e.currentTarget.value)}
          />
        )}
        {phase === "classify" && (
          <>
            <Select
              label="Root-cause class"
              placeholder="Choose"
              value={rootCauseClass}
              onChange={(v) => setRootCauseClass(v as TRootCauseClass | null)}
              data={ROOT_CAUSE_CLASSES.map((c) => ({ value: c, label: ROOT_CAUSE_LABELS[c] }))}
            />
            <Textarea label="Root cause" autosize minRows={3} value={rootCause} onChange={(e) => setRootCause(e.currentTarget.value)} />
          </>
        )}
        {phase === "fix_and_prove" && (
          <Textarea
            label="Permanent fix"
            description="What changed for good, and how you proved it works (a test decision, a replay, a review)"
            autosize
            minRows={3}
            value={permanentFix}
            onChange={(e) => setPermanentFix(e.currentTarget.value)}
          />
        )}
        {phase === "make_it_stick" && (
          <Textarea
            label="New monitors"
            description="The alerts, rules or reviews added so it does not happen again"
            autosize
            minRows={3}
            value={newMonitors}
            onChange={(e) => setNewMonitors(e.currentTarget.value)}
          />
        )}
        {update.isError && !confirmClose && <MutationErrorAlert error={update.error} title="The incident was not changed" />}
        <Group>
          <Button variant="default" loading={update.isPending && !update.variables?.phase} onClick={() => save(false)}>
            Save
          </Button>
          {next &&
            (next === "closed" ? (
              <Button color="teal" onClick={() => setConfirmClose(true)}>
                Close incident
              </Button>
            ) : (
              <Button loading={update.isPending && !!update.variables?.phase} onClick={() => save(true)}>
                Done: move to {INCIDENT_PHASE_LABELS[next]}
              </Button>
            ))}
        </Group>
      </Stack>
      <ConfirmDialog
        opened={confirmClose}
        onCancel={() => setConfirmClose(false)}
        title="Close this incident?"
        confirmLabel="Close incident"
        color="teal"
        loading={update.isPending}
        error={update.error}
        onConfirm={() => save(true)}
      >
        A closed incident is final: its record, evidence and summary stay, and nobody can change them.
      </ConfirmDialog>
    </Paper>
  );
}

function Windows({ incident }: { incident: TIncident }) {
  const active = incident.phase === "closed" ? INCIDENT_PHASES.length - 1 : INCIDENT_PHASES.indexOf(incident.phase);
  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-label="Response windows">
      <Stepper active={active} size="sm" allowNextStepsSelect={false}>
        {incident.windows.map((w) => (
          <Stepper.Step
            key={w.phase}
            label={w.label}
            color={w.late ? "red" : undefined}
            description={
              <Stack gap={0}>
                <Text size="xs">{w.dueAt ? `Due ${formatDateTime(w.dueAt)}` : "No deadline"}</Text>
                <Text size="xs">{w.doneAt ? `Done ${formatDateTime(w.doneAt)}` : "Not done"}</Text>
                {w.late && (
                  <Badge color="red" size="xs" variant="light" w="fit-content">
                    Late
                  </Badge>
                )}
              </Stack>
            }
          />
        ))}
        <Stepper.Completed>
          <Text size="sm">Closed {formatDateTime(incident.closedAt)} by {incident.closedBy}.</Text>
        </Stepper.Completed>
      </Stepper>
    </Paper>
  );
}

function BlastRadius({ incident }: { incident: TIncident }) {
  const br = incident.blastRadius;
  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-label="Blast radius">
      <Title order={2} fz="h4">
        Blast radius
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Computed from the inventory and the audit log, {formatDateTime(br.window.from)} to {formatDateTime(br.window.to)} (from 24 hours before detection).
      </Text>
      <SimpleGrid cols={{ base: 2, md: 5 }} mb="md">
        {[
          ["Audit events", br.activity.events],
          ["Decisions allowed", br.activity.decisionsAllowed],
          ["Decisions denied", br.activity.decisionsDenied],
          ["Approvals requested", br.activity.approvalsRequested],
          ["Tool calls", br.activity.toolCalls],
        ].map(([label, n]) => (
          <Paper key={label} withBorder p="sm" radius="md">
            <Text size="xs" c="dimmed">
              {label}
            </Text>
            <Text fw={700} fz="xl">
              {n}
            </Text>
          </Paper>
        ))}
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Stack gap="xs">
          <Text fw={600} size="sm">
            Bots ({br.bots.length})
          </Text>
          {br.bots.length === 0 ? (
            <Text size="sm" c="dimmed">
              No bot named yet.
            </Text>
          ) : (
            br.bots.map((b) => (
              <Text size="sm" key={b.id}>
                <AnchorLink to="/bots/$botId" params={{ botId: b.id }} size="sm">
                  {b.name}
                </AnchorLink>{" "}
                · {b.status} · {b.owner ?? "no owner"}
                {b.team ? ` · ${b.team}` : ""}
              </Text>
            ))
          )}
          <Text fw={600} size="sm" mt="sm">
            Systems ({br.systems.length})
          </Text>
          <Group gap={6}>
            {br.systems.length === 0 ? (
              <Text size="sm" c="dimmed">
                None.
              </Text>
            ) : (
              br.systems.map((s) => (
                <Badge key={s.key} variant="light" color={s.via.includes("decision") ? "orange" : "gray"} title={`via ${s.via.join(", ")}; bots: ${s.bots.join(", ")}`}>
                  {s.key} ({s.via.join(", ")})
                </Badge>
              ))
            )}
          </Group>
          <Text fw={600} size="sm" mt="sm">
            People ({br.people.length})
          </Text>
          {br.people.length === 0 ? (
            <Text size="sm" c="dimmed">
              None.
            </Text>
          ) : (
            br.people.map((p) => (
              <Text size="sm" key={p.label}>
                {p.label} · {p.roles.join(", ")} · {p.bots.join(", ")}
              </Text>
            ))
          )}
        </Stack>
        <Stack gap="xs">
          <Text fw={600} size="sm">
            Credential references ({br.credentials.length})
          </Text>
          {br.credentials.length === 0 ? (
            <Text size="sm" c="dimmed">
              None.
            </Text>
          ) : (
            <Table aria-label="Credential references in the blast radius" verticalSpacing={4}>
              <Table.Tbody>
                {br.credentials.map((c) => (
                  <Table.Tr key={c.id}>
                    <Table.Td>
                      <Text size="sm">{c.bot}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{c.system}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" ff="monospace">
                        {c.reference}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={c.status === "active" ? "gray" : "orange"}>
                        {c.status}
                      </Badge>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          <Text fw={600} size="sm" mt="sm">
            Response actions in the log ({br.responseEventCount})
          </Text>
          {incident.auditEvidenceHidden !== null ? (
            <Text size="sm" c="dimmed">
              {br.responseEventCount === 1 ? "1 response action is" : `${br.responseEventCount} response actions are`} recorded in the window. {incident.auditEvidenceHidden}.
            </Text>
          ) : br.responseEvents.length === 0 ? (
            <Text size="sm" c="dimmed">
              No kill switch, alert, pause or revocation recorded in the window.
            </Text>
          ) : (
            br.responseEvents.map((e) => (
              <Text size="sm" key={e.id}>
                {formatDateTime(e.at)}{" "}
                <AnchorLink to="/audit/$eventId" params={{ eventId: e.id }} size="sm">
                  {e.action}
                </AnchorLink>{" "}
                by {e.actor}
              </Text>
            ))
          )}
        </Stack>
      </SimpleGrid>
    </Paper>
  );
}

/** Evidence: the linked audit events, or (a reader without audit.read, such as IT) how many and who sees them. */
function Evidence({ incident }: { incident: TIncident }) {
  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-label="Evidence">
      <Title order={2} fz="h4" mb="sm">
        Evidence ({incident.evidenceCount})
      </Title>
      {incident.auditEvidenceHidden !== null ? (
        <Text size="sm" c="dimmed" data-testid="evidence-hidden">
          {incident.evidenceCount === 1 ? "1 audit event is" : `${incident.evidenceCount} audit events are`} linked. {incident.auditEvidenceHidden}.
        </Text>
      ) : incident.evidence.length === 0 ? (
        <Text size="sm" c="dimmed">
          No audit event linked yet. Open an event in the Audit log and choose "Add to incident".
        </Text>
      ) : (
        <Table aria-label="Evidence" verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>Event</Table.Th>
              <Table.Th>By</Table.Th>
              <Table.Th>Note</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {incident.evidence.map((e) => (
              <Table.Tr key={e.auditEventId}>
                <Table.Td>
                  <Text size="sm">{formatDateTime(e.at)}</Text>
                </Table.Td>
                <Table.Td>
                  {e.event ? (
                    <Group gap="xs">
                      <AnchorLink to="/audit/$eventId" params={{ eventId: e.auditEventId }} size="sm">
                        {e.event.action} ({e.event.outcome})
                      </AnchorLink>
                      {e.event.sessionId && e.event.botId && (
                        <AnchorLink to="/bots/$botId/sessions/$sessionId" params={{ botId: e.event.botId, sessionId: e.event.sessionId }} size="sm">
                          session
                        </AnchorLink>
                      )}
                    </Group>
                  ) : (
                    <Text size="sm" c="dimmed">
                      No longer in the log (retention)
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{e.event?.actor ?? "—"}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{e.note ?? ""}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}

function IncidentView({ incident }: { incident: TIncident }) {
  const [exporting, setExporting] = useState<"md" | "pdf" | null>(null);
  const exportAs = async (format: "md" | "pdf") => {
    setExporting(format);
    try {
      const file = await downloadSummary(incident.id, format);
      notifications.show({ color: "teal", message: `Saved ${file}` });
    } catch (error) {
      notifications.show({ color: "red", title: "The summary was not exported", message: errorMessage(error) });
    } finally {
      setExporting(null);
    }
  };
  return (
    <>
      <PageHeader
        above={
          <AnchorLink to="/incidents" size="sm">
            ← Incidents
          </AnchorLink>
        }
        title={incident.title}
        description={`Detected ${formatDateTime(incident.detectedAt)} · declared ${formatDateTime(incident.declaredAt)} by ${incident.declaredBy.label ?? "Bridle"}`}
        actions={
          <>
            <Button variant="default" loading={exporting === "md"} onClick={() => void exportAs("md")}>
              Summary (Markdown)
            </Button>
            <Button variant="default" loading={exporting === "pdf"} onClick={() => void exportAs("pdf")}>
              Summary (PDF)
            </Button>
          </>
        }
      />
      <Stack gap="lg">
        <Group gap="xs">
          <SeverityBadge severity={incident.severity} />
          <PhaseBadge phase={incident.phase} />
          {incident.isDrill && <DrillBadge />}
        </Group>
        <Windows incident={incident} />
        <SimpleGrid cols={{ base: 1, md: incident.mayManage ? 2 : 1 }} spacing="lg">
          <Paper withBorder radius="md" p="lg" component="section" aria-label="Record">
            <FactList>
              <Fact label="What happened">{incident.summary || <NotSet />}</Fact>
              <Fact label="Containment">{incident.containment ?? <NotSet />}</Fact>
              <Fact label="Root cause">
                {incident.rootCauseClass ? `${ROOT_CAUSE_LABELS[incident.rootCauseClass]}${incident.rootCause ? `: ${incident.rootCause}` : ""}` : <NotSet />}
              </Fact>
              <Fact label="Permanent fix">{incident.permanentFix ?? <NotSet />}</Fact>
              <Fact label="New monitors">{incident.newMonitors ?? <NotSet />}</Fact>
            </FactList>
          </Paper>
          {incident.mayManage && <PhaseForm key={incident.version} incident={incident} />}
        </SimpleGrid>
        <BlastRadius incident={incident} />
        <Evidence incident={incident} />
      </Stack>
    </>
  );
}

/** One incident: its response windows, the current phase's form, its blast radius and evidence, and the summary export. */
export function IncidentPage() {
  const { incidentId } = route.useParams();
  const incident = useIncident(incidentId);
  if (incident.isPending) return <LoadingBlock label="Loading the incident" />;
  if (incident.isError) return <ErrorBlock error={incident.error} onRetry={() => void incident.refetch()} />;
  return <IncidentView incident={incident.data} />;
}
