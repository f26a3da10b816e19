import type { TOffboardingCase, TOffboardingStep } from "@bridle/contracts";
import { Anchor, Badge, Button, Modal, Stack, Table, Text, TextInput, Textarea } from "@mantine/core";
import { useState } from "react";
import { MutationErrorAlert } from "../../../components/MutationErrorAlert.tsx";
import { formatDateTime } from "../../../lib/format.ts";
import { useRecordStep } from "../queries.ts";

const STATUS_COLOR = { pending: "gray", done: "teal", cancelled: "dimmed" } as const;
const RECORDABLE = new Set(["destroy_runtime", "archive_workspace"]);

/** What an automatic step did, in a line (references to rotate, grants removed, tokens revoked). */
function stepDetails(step: TOffboardingStep): string | null {
  const d = step.details as Record<string, unknown>;
  if (Array.isArray(d.toRotate)) return d.toRotate.length ? `Rotate in their vaults: ${(d.toRotate as { reference: string }[]).map((r) => r.reference).join(", ")}` : "No credential references";
  if (Array.isArray(d.tokens)) return `${d.tokens.length} runtime token${d.tokens.length === 1 ? "" : "s"} revoked`;
  if (Array.isArray(d.grants)) return `Removed ${d.grants.length} grant${d.grants.length === 1 ? "" : "s"}${Array.isArray(d.channels) && d.channels.length ? ` and channels ${(d.channels as string[]).join(", ")}` : ""}`;
  if (Array.isArray(d.references)) return d.references.length ? `Due for rotation: ${(d.references as { reference: string }[]).map((r) => r.reference).join(", ")}` : "No credential references";
  if (typeof d.to === "string") return `Offered to ${d.to}`;
  return null;
}

function RecordStepModal({ caseId, step, onClose }: { caseId: string; step: TOffboardingStep; onClose: () => void }) {
  const record = useRecordStep(caseId);
  const [note, setNote] = useState("");
  const [link, setLink] = useState("");
  return (
    <Modal opened onClose={onClose} title={step.label} centered closeButtonProps={{ "aria-label": "Close" }}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          record.mutate(
            { kind: step.kind as "destroy_runtime" | "archive_workspace", ...(note.trim() ? { note: note.trim() } : {}), ...(link.trim() ? { link: link.trim() } : {}) },
            { onSuccess: onClose },
          );
        }}
      >
        <Stack gap="md">
          <Text size="sm" c="dimmed">
            Say what was done (and, for the archive, how long it is kept). Bridle records you as having done it, now.
          </Text>
          <Textarea label="Note" value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize minRows={2} />
          <TextInput label="Link (ticket, runbook, archive)" placeholder="https://" value={link} onChange={(e) => setLink(e.currentTarget.value)} />
          {record.isError && <MutationErrorAlert error={record.error} title="The step was not recorded" />}
          <Button type="submit" loading={record.isPending} disabled={!note.trim() && !link.trim()}>
            Mark done
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}

/** A case's checklist: each step's status, who did it and when (the server's record), its note or link. */
export function OffboardingChecklist({ offboardingCase }: { offboardingCase: TOffboardingCase }) {
  const [recording, setRecording] = useState<TOffboardingStep | null>(null);
  const steps = offboardingCase.steps.filter((s) => s.status !== "cancelled");
  if (steps.length === 0)
    return (
      <Text size="sm" c="dimmed">
        No plan chosen yet: transfer the bot to a new owner, or offboard it.
      </Text>
    );
  return (
    <>
      <Table.ScrollContainer minWidth={640}>
        <Table aria-label="Offboarding checklist" verticalSpacing="xs" withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Step</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Who</Table.Th>
              <Table.Th>When</Table.Th>
              <Table.Th>Note or link</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {steps.map((step) => (
              <Table.Tr key={step.id} data-step={step.kind}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {step.label}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {step.automatic ? "Automatic" : "Manual"}
                  </Text>
                </Table.Td>
                <Table.Td w={110} style={{ whiteSpace: "nowrap" }}>
                  <Badge color={STATUS_COLOR[step.status]} variant="light" style={{ overflow: "visible" }}>
                    {step.status === "done" ? "Done" : step.status === "pending" ? "Pending" : "Cancelled"}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{step.doneBy ? (step.doneBy.type === "system" ? "Bridle" : step.doneBy.label) : "—"}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{step.doneAt ? formatDateTime(step.doneAt) : "—"}</Text>
                </Table.Td>
                <Table.Td>
                  <Stack gap={2}>
                    {step.note && <Text size="sm">{step.note}</Text>}
                    {step.link && (
                      <Anchor href={step.link} target="_blank" rel="noreferrer" size="sm">
                        {step.link}
                      </Anchor>
                    )}
                    {stepDetails(step) && (
                      <Text size="xs" c="dimmed">
                        {stepDetails(step)}
                      </Text>
                    )}
                    {offboardingCase.mayManage && step.status === "pending" && RECORDABLE.has(step.kind) && (
                      <Button size="xs" variant="light" onClick={() => setRecording(step)} w="fit-content">
                        Mark done
                      </Button>
                    )}
                  </Stack>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {recording && <RecordStepModal caseId={offboardingCase.id} step={recording} onClose={() => setRecording(null)} />}
    </>
  );
}
