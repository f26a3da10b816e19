import {
  VAULT_KIND_HINTS,
  VAULT_KIND_LABELS,
  VAULT_KINDS,
  vaultKindOf,
  vaultReferenceProblem,
  type TCredentialReferenceDetail,
  type TVaultKind,
} from "@bridle/contracts";
import { Button, Code, Group, Modal, NumberInput, Select, Stack, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { MutationErrorAlert } from "../../../components/MutationErrorAlert.tsx";
import { errorLookup, formIssues } from "../../../lib/form-errors.ts";
import { usePeople, useSystems } from "../../directory/queries.ts";
import { useCreateCredentialReference, useUpdateCredentialReference } from "../queries.ts";

type Values = { system: string; vault: TVaultKind; reference: string; owner: string; rotationIntervalDays: number | ""; lastRotatedAt: string };

const initialOf = (ref: TCredentialReferenceDetail | null): Values => ({
  system: ref?.system ?? "",
  vault: ref?.vault.kind ?? "1password",
  reference: ref?.reference ?? "",
  owner: ref && !ref.ownerIsBotOwner ? (ref.owner?.email ?? "") : "",
  rotationIntervalDays: ref ? (ref.rotationIntervalDays ?? "") : 90,
  lastRotatedAt: "",
});

/**
 * Add or edit one credential reference: its system, the kind of vault (the reference is checked
 * against that kind's form as you type, with the form and an example under the field), who is
 * responsible for it (the bot's owner unless someone else is chosen), and its rotation interval.
 * Never the secret itself: the server refuses anything that looks like one.
 */
export function CredentialReferenceModal({ botId, reference, opened, onClose }: { botId: string; reference: TCredentialReferenceDetail | null; opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title={reference ? "Edit credential reference" : "Add credential reference"} size="lg" centered closeButtonProps={{ "aria-label": "Close" }}>
      {opened && <ReferenceForm key={reference?.id ?? "new"} botId={botId} reference={reference} onDone={onClose} />}
    </Modal>
  );
}

function ReferenceForm({ botId, reference, onDone }: { botId: string; reference: TCredentialReferenceDetail | null; onDone: () => void }) {
  const [values, setValues] = useState<Values>(() => initialOf(reference));
  const [touched, setTouched] = useState(false);
  const systems = useSystems();
  const people = usePeople();
  const create = useCreateCredentialReference(botId);
  const update = useUpdateCredentialReference(botId);
  const mutation = reference ? update : create;
  const errorAt = errorLookup(formIssues(mutation.error));
  const set = <K extends keyof Values>(key: K, value: Values[K]) => setValues((v) => ({ ...v, [key]: value }));

  const hint = VAULT_KIND_HINTS[values.vault];
  const typed = values.reference.trim();
  const localProblem = touched && typed ? vaultReferenceProblem(values.vault, typed) : null;

  const onReferenceChange = (text: string) => {
    // A pasted reference of a known kind picks its vault kind, while the field was empty.
    const kind = values.reference.trim() === "" ? vaultKindOf(text) : null;
    setValues((v) => ({ ...v, reference: text, ...(kind ? { vault: kind } : {}) }));
  };

  const submit = () => {
    const owner = values.owner || null;
    const rotationIntervalDays = values.rotationIntervalDays === "" ? null : values.rotationIntervalDays;
    const onSuccess = () => onDone();
    if (reference) update.mutate({ id: reference.id, input: { system: values.system, vault: values.vault, reference: typed, owner, rotationIntervalDays } }, { onSuccess });
    else
      create.mutate(
        { system: values.system, vault: values.vault, reference: typed, owner, rotationIntervalDays, ...(values.lastRotatedAt ? { lastRotatedAt: values.lastRotatedAt } : {}) },
        { onSuccess },
      );
  };

  const personOptions = (people.data ?? []).filter((p) => p.status === "active").map((p) => ({ value: p.email, label: `${p.displayName} <${p.email}>` }));
  if (values.owner && !personOptions.some((o) => o.value === values.owner)) personOptions.unshift({ value: values.owner, label: values.owner });

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <Stack gap="md">
        <Text size="sm" c="dimmed">
          Where the secret lives in its vault. Never paste the secret itself: Bridle refuses anything that looks like one, and records the attempt.
        </Text>
        <Group grow align="flex-start">
          <Select
            label="System"
            description="The connected system it opens"
            placeholder={systems.isPending ? "Loading systems…" : "Choose a system"}
            data={(systems.data ?? []).map((s) => ({ value: s.key, label: s.name }))}
            value={values.system || null}
            onChange={(v) => set("system", v ?? "")}
            searchable
            required
            error={errorAt("system")}
          />
          <Select
            label="Vault"
            description="The kind of vault that holds it"
            data={VAULT_KINDS.map((k) => ({ value: k, label: VAULT_KIND_LABELS[k] }))}
            value={values.vault}
            onChange={(v) => v && set("vault", v as TVaultKind)}
            allowDeselect={false}
            required
            error={errorAt("vault")}
          />
        </Group>
        <TextInput
          label="Reference"
          description={
            <>
              Form: <Code fz="xs">{hint.form}</Code>
            </>
          }
          placeholder={hint.example}
          value={values.reference}
          onChange={(event) => onReferenceChange(event.currentTarget.value)}
          onBlur={() => setTouched(true)}
          required
          autoComplete="off"
          spellCheck={false}
          error={errorAt("reference") ?? (localProblem ? `Reference: ${localProblem}` : undefined)}
          styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
        />
        <Group grow align="flex-start">
          <Select
            label="Owner"
            description="Who is responsible for it; empty: the bot's owner"
            placeholder="The bot's owner"
            data={personOptions}
            value={values.owner || null}
            onChange={(v) => set("owner", v ?? "")}
            searchable
            clearable
            error={errorAt("owner")}
          />
          <NumberInput
            label="Rotation interval (days)"
            description="Rotate every this many days; empty for none"
            value={values.rotationIntervalDays}
            onChange={(v) => set("rotationIntervalDays", typeof v === "number" ? v : "")}
            min={1}
            max={3650}
            allowDecimal={false}
            error={errorAt("rotationIntervalDays")}
          />
        </Group>
        {!reference && (
          <TextInput
            type="date"
            label="Last rotated"
            description="When it was last rotated, if you know; empty: counted from today"
            value={values.lastRotatedAt}
            onChange={(event) => set("lastRotatedAt", event.currentTarget.value)}
            max={new Date().toISOString().slice(0, 10)}
            w={240}
            error={errorAt("lastRotatedAt")}
          />
        )}
        {mutation.isError && <MutationErrorAlert error={mutation.error} title="The credential reference was not saved" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone} disabled={mutation.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={mutation.isPending} disabled={!values.system || !typed}>
            {reference ? "Save" : "Add reference"}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
