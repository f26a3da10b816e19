import type { TCredentialReferenceDetail } from "@bridle/contracts";
import { Alert, Button, Code, Group, Modal, Stack, Table, Text, TextInput, Textarea } from "@mantine/core";
import { useState } from "react";
import { ConfirmDialog } from "../../../components/ConfirmDialog.tsx";
import { useNavigate } from "@tanstack/react-router";
import { AnchorLink } from "../../../components/links.tsx";
import { MutationErrorAlert } from "../../../components/MutationErrorAlert.tsx";
import { ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { isMissingEndpoint } from "../../../lib/api.ts";
import { errorLookup, formIssues } from "../../../lib/form-errors.ts";
import { formatDate } from "../../../lib/format.ts";
import { useCredentialReferences, useDeleteCredentialReference, useMarkRotated, useStartLeakPlaybook } from "../queries.ts";
import { CredentialReferenceModal } from "./CredentialReferenceModal.tsx";
import { CredentialStatusBadge, RotationCell, VaultCell } from "./badges.tsx";

type Ref = TCredentialReferenceDetail;
const nameOf = (r: Ref) => `${r.system} ${r.reference}`;

/**
 * "Credential references" on the bot page: each reference with its system and service account,
 * vault, owner, dates, rotation and status. The bot's owner, admins and IT add, edit, remove and
 * mark rotated; security (and admins) start the leak playbook on one, with a reason.
 */
export function CredentialReferencesSection({ botId, botName, mayManage, mayRespond, live }: { botId: string; botName: string; mayManage: boolean; mayRespond: boolean; live: boolean }) {
  const refs = useCredentialReferences(botId);
  const [editing, setEditing] = useState<Ref | "new" | null>(null);
  const [rotating, setRotating] = useState<Ref | null>(null);
  const [removing, setRemoving] = useState<Ref | null>(null);
  const [leaking, setLeaking] = useState<Ref | null>(null);
  const remove = useDeleteCredentialReference(botId);

  const body = () => {
    if (refs.isPending) return <LoadingBlock label="Loading credential references" />;
    if (refs.isError) {
      if (isMissingEndpoint(refs.error))
        return (
          <Text size="sm" c="dimmed">
            Credential references are not available on this server.
          </Text>
        );
      return <ErrorBlock title="Could not load credential references" error={refs.error} onRetry={() => void refs.refetch()} />;
    }
    if (refs.data.length === 0)
      return (
        <Text size="sm" c="dimmed">
          No credential references. Add one for each secret the bot uses: where it lives in its vault, never the secret itself.
        </Text>
      );
    return (
      <Table.ScrollContainer minWidth={960}>
        <Table aria-label="Credential references" verticalSpacing="xs" withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>System</Table.Th>
              <Table.Th>Vault</Table.Th>
              <Table.Th>Reference</Table.Th>
              <Table.Th>Owner</Table.Th>
              <Table.Th>Last rotated</Table.Th>
              <Table.Th>Rotation</Table.Th>
              <Table.Th>Status</Table.Th>
              {(mayManage || mayRespond) && <Table.Th>Actions</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {refs.data.map((r) => (
              <Table.Tr key={r.id} data-testid="credential-reference-row">
                <Table.Td>
                  <Text size="sm">{r.systemName}</Text>
                  <Text size="xs" c="dimmed">
                    {r.serviceAccount ? `as ${r.serviceAccount}` : "no service account recorded"}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <VaultCell vault={r.vault} />
                </Table.Td>
                <Table.Td maw={300}>
                  <Code style={{ wordBreak: "break-all" }}>{r.reference}</Code>
                  <Text size="xs" c="dimmed">
                    added {formatDate(r.createdAt)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{r.owner?.displayName ?? "—"}</Text>
                  {r.ownerIsBotOwner && (
                    <Text size="xs" c="dimmed">
                      the bot's owner
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{r.lastRotatedAt ? formatDate(r.lastRotatedAt) : "Never"}</Text>
                  {r.lastRotatedBy?.label && (
                    <Text size="xs" c="dimmed">
                      by {r.lastRotatedBy.label}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td miw={130}>
                  <RotationCell reference={r} />
                </Table.Td>
                <Table.Td miw={150}>
                  <Stack gap={4} align="flex-start">
                    <CredentialStatusBadge reference={r} />
                    {r.openLeakPlaybookId && (
                      <AnchorLink to="/leak-playbooks/$playbookId" params={{ playbookId: r.openLeakPlaybookId }} size="xs" c="red">
                        Leak playbook open
                      </AnchorLink>
                    )}
                  </Stack>
                </Table.Td>
                {(mayManage || mayRespond) && (
                  <Table.Td>
                    <Group gap={4}>
                      {mayManage && (
                        <>
                          <Button size="compact-xs" variant="default" onClick={() => setRotating(r)} aria-label={`Mark rotated: ${nameOf(r)}`}>
                            Mark rotated
                          </Button>
                          {r.status !== "revoked" && live && (
                            <Button size="compact-xs" variant="subtle" onClick={() => setEditing(r)} aria-label={`Edit ${nameOf(r)}`}>
                              Edit
                            </Button>
                          )}
                          <Button size="compact-xs" variant="subtle" color="red" onClick={() => setRemoving(r)} aria-label={`Remove ${nameOf(r)}`} disabled={!!r.openLeakPlaybookId}>
                            Remove
                          </Button>
                        </>
                      )}
                      {mayRespond && !r.openLeakPlaybookId && (
                        <Button size="compact-xs" variant="light" color="red" onClick={() => setLeaking(r)} aria-label={`Suspected leak: ${nameOf(r)}`}>
                          Suspected leak
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    );
  };

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-start">
        <Text size="sm" c="dimmed" maw={680}>
          Pointers to the secrets this bot uses, in their vaults. Bridle never stores a secret. A reference is due for rotation when its interval passes, when the bot changes owner or scope, or when a leak is suspected.
        </Text>
        {mayManage && (
          <Button onClick={() => setEditing("new")} disabled={!live} title={live ? undefined : `${botName} is offboarding or offboarded`}>
            Add credential reference
          </Button>
        )}
      </Group>
      {body()}

      <CredentialReferenceModal botId={botId} reference={editing === "new" ? null : editing} opened={editing !== null} onClose={() => setEditing(null)} />
      <MarkRotatedModal botId={botId} reference={rotating} onClose={() => setRotating(null)} />
      <StartLeakModal botId={botId} botName={botName} reference={leaking} onClose={() => setLeaking(null)} />
      <ConfirmDialog
        opened={removing !== null}
        title="Remove credential reference"
        confirmLabel="Remove"
        loading={remove.isPending}
        error={remove.error}
        onCancel={() => {
          remove.reset();
          setRemoving(null);
        }}
        onConfirm={() => removing && remove.mutate(removing.id, { onSuccess: () => setRemoving(null) })}
      >
        {removing ? `Remove ${removing.system} ${removing.reference} from ${botName}? The secret stays in its vault; rotate or delete it there if the bot no longer needs it.` : ""}
      </ConfirmDialog>
    </Stack>
  );
}

/** "Mark rotated": when the secret was rotated in its vault (default today), with a note. */
function MarkRotatedModal({ botId, reference, onClose }: { botId: string; reference: Ref | null; onClose: () => void }) {
  const mark = useMarkRotated(botId);
  const [rotatedAt, setRotatedAt] = useState("");
  const [note, setNote] = useState("");
  const errorAt = errorLookup(formIssues(mark.error));
  const close = () => {
    mark.reset();
    setRotatedAt("");
    setNote("");
    onClose();
  };
  return (
    <Modal opened={reference !== null} onClose={close} title="Mark rotated" centered closeButtonProps={{ "aria-label": "Close" }}>
      {reference && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            mark.mutate({ id: reference.id, input: { ...(rotatedAt ? { rotatedAt } : {}), ...(note.trim() ? { note: note.trim() } : {}) } }, { onSuccess: close });
          }}
        >
          <Stack gap="md">
            <Text size="sm">
              The secret behind <Code>{reference.reference}</Code> was rotated in its vault. Bridle records who did it and when.
              {reference.status === "revoked" ? " The revoked reference becomes active again unless its bot is being offboarded." : ""}
            </Text>
            <TextInput type="date" label="Rotated on" description="Empty: now" value={rotatedAt} onChange={(e) => setRotatedAt(e.currentTarget.value)} max={new Date().toISOString().slice(0, 10)} w={220} error={errorAt("rotatedAt")} />
            <Textarea label="Note" placeholder="e.g. New token issued in 1Password" value={note} onChange={(e) => setNote(e.currentTarget.value)} maxLength={500} autosize minRows={2} error={errorAt("note")} />
            {mark.isError && <MutationErrorAlert error={mark.error} title="Not recorded" />}
            <Group justify="flex-end">
              <Button variant="default" onClick={close} disabled={mark.isPending}>
                Cancel
              </Button>
              <Button type="submit" loading={mark.isPending}>
                Mark rotated
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

/** Security starts "suspected leak" on a reference: a confirmation, with the reason required. */
function StartLeakModal({ botId, botName, reference, onClose }: { botId: string; botName: string; reference: Ref | null; onClose: () => void }) {
  const start = useStartLeakPlaybook(botId);
  const navigate = useNavigate();
  const [reason, setReason] = useState("");
  const errorAt = errorLookup(formIssues(start.error));
  const close = () => {
    start.reset();
    setReason("");
    onClose();
  };
  return (
    <Modal opened={reference !== null} onClose={close} title="Start the leak playbook" centered size="lg" closeButtonProps={{ "aria-label": "Close" }}>
      {reference && (
        <Stack gap="md">
          <Text size="sm">
            A leak of <Code>{reference.reference}</Code> ({reference.systemName}) of {botName} is suspected.
          </Text>
          <Alert color="orange" variant="light" title="While the playbook is open">
            Every gated action of {botName} needs security's approval, and this reference is due for rotation. The playbook guides you through four steps: revoke, review recent usage, notify stakeholders, trace how it leaked. It closes when all four are done.
          </Alert>
          <form
            onSubmit={(event) => {
              event.preventDefault();
              start.mutate(
                { id: reference.id, reason: reason.trim() },
                {
                  onSuccess: (playbook) => {
                    close();
                    void navigate({ to: "/leak-playbooks/$playbookId", params: { playbookId: playbook.id } });
                  },
                },
              );
            }}
          >
            <Stack gap="md">
              <Textarea
                label="Reason"
                description="Why a leak is suspected; recorded in the audit log (never paste the secret)"
                placeholder="e.g. The token was visible in a screen share during the Tuesday demo"
                value={reason}
                onChange={(e) => setReason(e.currentTarget.value)}
                required
                autosize
                minRows={3}
                maxLength={1000}
                error={errorAt("reason")}
              />
              {start.isError && <MutationErrorAlert error={start.error} title="The playbook did not start" />}
              <Group justify="flex-end">
                <Button variant="default" onClick={close} disabled={start.isPending}>
                  Cancel
                </Button>
                <Button type="submit" color="red" loading={start.isPending} disabled={!reason.trim()}>
                  Start leak playbook
                </Button>
              </Group>
            </Stack>
          </form>
        </Stack>
      )}
    </Modal>
  );
}
