import type { TBot, TCreateApprovalRequest } from "@bridle/contracts";
import { Button, Grid, Group, Modal, Select, Stack, Text, TextInput, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import type { FormEvent } from "react";
import { MutationErrorAlert } from "../../../components/MutationErrorAlert.tsx";
import { errorLookup, formIssues } from "../../../lib/form-errors.ts";
import { useCan } from "../../auth/permissions.tsx";
import { useTransferBot } from "../../bots/queries.ts";
import { usePeople } from "../../directory/queries.ts";
import { PREVIEW_JUSTIFICATION, useLivePreview } from "../live-preview.ts";
import { useCreateApprovalRequest } from "../queries.ts";
import { ApprovalPreviewPanel } from "./ApprovalPreviewPanel.tsx";

const looksLikeEmail = (value: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim());

/**
 * "Transfer ownership". An owner proposes a new owner and IT approves (kind ownership_transfer);
 * IT and admins (`bots.write_all`) transfer at once with a note (POST /bots/{id}/transfer). When
 * the owner has left, the API's `suggestedOwner` (their manager) is listed first and preselected.
 */
export function OwnershipTransferModal({ bot, opened, onClose }: { bot: TBot; opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title={`Transfer ownership of ${bot.name}`} size={960} closeOnClickOutside={false} closeButtonProps={{ "aria-label": "Close" }}>
      {opened && <OwnershipTransferForm bot={bot} onClose={onClose} />}
    </Modal>
  );
}

function OwnershipTransferForm({ bot, onClose }: { bot: TBot; onClose: () => void }) {
  const navigate = useNavigate();
  const people = usePeople();
  const can = useCan();
  const direct = can("bots.write_all");
  const create = useCreateApprovalRequest();
  const transfer = useTransferBot(bot.id);
  const mutation = direct ? transfer : create;
  const suggested = bot.suggestedOwner;
  const [toEmail, setToEmail] = useState(suggested?.email ?? "");
  const [justification, setJustification] = useState("");
  const errorAt = errorLookup(formIssues(mutation.error));
  const reset = () => {
    create.reset();
    transfer.reset();
  };

  const body = (forPreview: boolean): TCreateApprovalRequest => ({
    kind: "ownership_transfer",
    botId: bot.id,
    justification: justification.trim() || (forPreview ? PREVIEW_JUSTIFICATION : ""),
    payload: { toEmail: toEmail.trim() },
  });
  const ready = looksLikeEmail(toEmail);
  const preview = useLivePreview(ready ? body(true) : null);
  const canSubmit = ready && justification.trim() !== "";

  const everyone = (people.data ?? [])
    .filter((person) => person.status === "active" && person.id !== bot.owner?.id && person.id !== suggested?.id)
    .map((person) => ({ value: person.email, label: `${person.displayName} <${person.email}>` }));
  const candidates = suggested
    ? [
        { group: `Suggested: ${bot.owner?.displayName ?? "the former owner"}'s manager`, items: [{ value: suggested.email, label: `${suggested.displayName} <${suggested.email}>` }] },
        { group: "Everyone else", items: everyone },
      ]
    : everyone;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!canSubmit) return;
    if (direct) {
      transfer.mutate(
        { toEmail: toEmail.trim(), note: justification.trim() },
        {
          onSuccess: (updated) => {
            notifications.show({ color: "teal", title: "Ownership transferred", message: `${updated.owner?.displayName ?? toEmail} now owns ${updated.name}.` });
            onClose();
          },
        },
      );
      return;
    }
    create.mutate(body(false), {
      onSuccess: (request) => {
        notifications.show({ color: "teal", title: "Ownership transfer requested", message: `A reviewer with the ${request.approverRole} role will decide it.` });
        onClose();
        void navigate({ to: "/approvals/$requestId", params: { requestId: request.id } });
      },
    });
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Transfer ownership">
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="sm">
            {mutation.isError && (
              <MutationErrorAlert error={mutation.error} title={direct ? "The bot was not transferred" : "The request was not submitted"} />
            )}
            <Text size="sm">
              Current owner:{" "}
              <strong>
                {bot.owner ? `${bot.owner.displayName} <${bot.owner.email}>` : "none"}
                {bot.owner?.status === "deactivated" ? " (has left)" : ""}
              </strong>
              . The new owner becomes accountable for the bot: access reviews, incidents and offboarding.{" "}
              {direct ? "You transfer it at once; your note is kept in the audit log." : "IT approves the transfer."}
            </Text>
            {suggested && (
              <Text size="sm" c="dimmed" data-testid="suggested-owner">
                Proposed: {suggested.displayName}, the manager of the departed owner.
              </Text>
            )}
            {people.isError ? (
              <TextInput
                label="New owner"
                description="Their email address (the people list could not be loaded)."
                required
                value={toEmail}
                onChange={(event) => {
                  reset();
                  setToEmail(event.currentTarget.value);
                }}
                error={errorAt(direct ? "toEmail" : "payload.toEmail")}
              />
            ) : (
              <Select
                label="New owner"
                placeholder={people.isPending ? "Loading people…" : "Choose a person"}
                data={candidates}
                value={toEmail || null}
                onChange={(value) => {
                  reset();
                  setToEmail(value ?? "");
                }}
                searchable
                required
                nothingFoundMessage="No one matches"
                error={errorAt(direct ? "toEmail" : "payload.toEmail")}
                comboboxProps={{ withinPortal: true }}
              />
            )}
            <Textarea
              label={direct ? "Note" : "Justification"}
              description={
                direct ? "Why the bot moves, kept in the audit log with the transfer." : "Why the bot should move, e.g. a team change or a departure."
              }
              required
              autosize
              minRows={3}
              maxLength={2000}
              value={justification}
              onChange={(event) => {
                reset();
                setJustification(event.currentTarget.value);
              }}
              error={errorAt(direct ? "note" : "justification")}
            />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <ApprovalPreviewPanel
            preview={preview.query.data}
            error={preview.query.error}
            fetching={preview.query.isFetching}
            empty={preview.empty}
            emptyText="Choose the new owner to see what this request would change."
          />
        </Grid.Col>
      </Grid>
      <Group justify="flex-end" gap="sm" mt="lg">
        {!canSubmit && (
          <Text size="xs" c="dimmed" mr="auto">
            {ready ? (direct ? "Write a note." : "Write a justification.") : "Choose the new owner."}
          </Text>
        )}
        <Button variant="default" onClick={onClose} disabled={mutation.isPending}>
          Cancel
        </Button>
        <Button type="submit" loading={mutation.isPending} disabled={!canSubmit}>
          {direct ? "Transfer now" : "Submit request"}
        </Button>
      </Group>
    </form>
  );
}
