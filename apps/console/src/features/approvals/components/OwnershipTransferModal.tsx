import type { TBot, TCreateApprovalRequest } from "@bridle/contracts";
import { Button, Grid, Group, Modal, Select, Stack, Text, TextInput, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import type { FormEvent } from "react";
import { MutationErrorAlert } from "../../../components/MutationErrorAlert.tsx";
import { errorLookup, formIssues } from "../../../lib/form-errors.ts";
import { usePeople } from "../../directory/queries.ts";
import { PREVIEW_JUSTIFICATION, useLivePreview } from "../live-preview.ts";
import { useCreateApprovalRequest } from "../queries.ts";
import { ApprovalPreviewPanel } from "./ApprovalPreviewPanel.tsx";

const looksLikeEmail = (value: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim());

/** "Transfer ownership": the owner proposes a new owner; IT approves (kind ownership_transfer). */
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
  const create = useCreateApprovalRequest();
  const [toEmail, setToEmail] = useState("");
  const [justification, setJustification] = useState("");
  const errorAt = errorLookup(formIssues(create.error));

  const body = (forPreview: boolean): TCreateApprovalRequest => ({
    kind: "ownership_transfer",
    botId: bot.id,
    justification: justification.trim() || (forPreview ? PREVIEW_JUSTIFICATION : ""),
    payload: { toEmail: toEmail.trim() },
  });
  const ready = looksLikeEmail(toEmail);
  const preview = useLivePreview(ready ? body(true) : null);
  const canSubmit = ready && justification.trim() !== "";

  const candidates = (people.data ?? [])
    .filter((person) => person.status === "active" && person.id !== bot.owner?.id)
    .map((person) => ({ value: person.email, label: `${person.displayName} <${person.email}>` }));

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!canSubmit) return;
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
            {create.isError && <MutationErrorAlert error={create.error} title="The request was not submitted" />}
            <Text size="sm">
              Current owner: <strong>{bot.owner ? `${bot.owner.displayName} <${bot.owner.email}>` : "none"}</strong>. The new owner becomes accountable for the
              bot: access reviews, incidents and offboarding. IT approves the transfer.
            </Text>
            {people.isError ? (
              <TextInput
                label="New owner"
                description="Their email address (the people list could not be loaded)."
                required
                value={toEmail}
                onChange={(event) => {
                  create.reset();
                  setToEmail(event.currentTarget.value);
                }}
                error={errorAt("payload.toEmail")}
              />
            ) : (
              <Select
                label="New owner"
                placeholder={people.isPending ? "Loading people…" : "Choose a person"}
                data={candidates}
                value={toEmail || null}
                onChange={(value) => {
                  create.reset();
                  setToEmail(value ?? "");
                }}
                searchable
                required
                nothingFoundMessage="No one matches"
                error={errorAt("payload.toEmail")}
                comboboxProps={{ withinPortal: true }}
              />
            )}
            <Textarea
              label="Justification"
              description="Why the bot should move, e.g. a team change or a departure."
              required
              autosize
              minRows={3}
              maxLength={2000}
              value={justification}
              onChange={(event) => {
                create.reset();
                setJustification(event.currentTarget.value);
              }}
              error={errorAt("justification")}
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
            {ready ? "Write a justification." : "Choose the new owner."}
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
