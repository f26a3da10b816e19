import { SYSTEM_CLASSIFICATIONS, SYSTEM_CLASSIFICATION_INFO } from "@bridle/contracts";
import type { TSystemClassification, TSystemDetail } from "@bridle/contracts";
import { Button, Group, Modal, Radio, Stack, Text, TextInput, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import type { FormEvent } from "react";
import { MutationErrorAlert } from "../../../components/MutationErrorAlert.tsx";
import { fieldIssues, isApiError } from "../../../lib/api.ts";
import { errorLookup, formIssues } from "../../../lib/form-errors.ts";
import { plural } from "../../../lib/format.ts";
import { useCreateSystem, useUpdateSystem } from "../queries.ts";

type Draft = { key: string; name: string; classification: TSystemClassification | ""; description: string };

/** Field problems of a 400, and of a 409 that names its field (a key in use). */
const issuesOf = (error: unknown) => (isApiError(error) && error.status === 409 ? fieldIssues(error.details) : formIssues(error));

/**
 * Adds a connected system, or edits one (`system` given): name, classification, description.
 * The key is chosen once, since grants are written with it.
 */
export function SystemFormModal({ opened, system, onClose }: { opened: boolean; system: TSystemDetail | null; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title={system ? `Edit ${system.name}` : "Add a connected system"} size="lg" closeButtonProps={{ "aria-label": "Close" }}>
      {opened && <SystemForm key={system?.id ?? "new"} system={system} onClose={onClose} />}
    </Modal>
  );
}

function SystemForm({ system, onClose }: { system: TSystemDetail | null; onClose: () => void }) {
  const create = useCreateSystem();
  const update = useUpdateSystem();
  const save = system ? update : create;
  const [draft, setDraft] = useState<Draft>(() => ({
    key: system?.key ?? "",
    name: system?.name ?? "",
    classification: system?.classification ?? "",
    description: system?.description ?? "",
  }));
  const [missing, setMissing] = useState<string | null>(null);
  const errorAt = errorLookup(issuesOf(save.error));
  const set = (patch: Partial<Draft>) => {
    save.reset();
    setMissing(null);
    setDraft((previous) => ({ ...previous, ...patch }));
  };

  const done = (saved: { name: string; recomputed: number }) => {
    notifications.show({
      color: "teal",
      title: system ? `${saved.name} saved` : `${saved.name} added`,
      message: saved.recomputed ? `Findings changed on ${plural(saved.recomputed, "bot")}.` : "No bot's findings changed.",
    });
    onClose();
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!draft.classification) return setMissing("Choose what access to this system gives.");
    const description = draft.description.trim() ? draft.description.trim() : null;
    if (system) update.mutate({ id: system.id, name: draft.name, classification: draft.classification, description }, { onSuccess: done });
    else create.mutate({ key: draft.key, name: draft.name, classification: draft.classification, description }, { onSuccess: done });
  };

  return (
    <form onSubmit={submit} noValidate aria-label={system ? `Edit ${system.name}` : "Add a connected system"}>
      <Stack gap="md">
        <TextInput
          label="Key"
          description="How grants name the system, e.g. github in github:issues:write. Lowercase; it cannot be changed later."
          required
          disabled={system !== null}
          value={draft.key}
          onChange={(event) => set({ key: event.currentTarget.value })}
          error={errorAt("key")}
        />
        <TextInput label="Name" required value={draft.name} onChange={(event) => set({ name: event.currentTarget.value })} error={errorAt("name")} />
        <Radio.Group
          label="Classification"
          description="What access to this system gives a bot; the Golden Rule forbids internal data access together with external communication."
          required
          value={draft.classification}
          onChange={(value) => set({ classification: value as TSystemClassification })}
          error={missing ?? errorAt("classification")}
        >
          <Stack gap="xs" mt="xs">
            {SYSTEM_CLASSIFICATIONS.map((c) => (
              <Radio key={c} value={c} label={SYSTEM_CLASSIFICATION_INFO[c].label} description={SYSTEM_CLASSIFICATION_INFO[c].meaning} />
            ))}
          </Stack>
        </Radio.Group>
        {system && draft.classification !== system.classification && (
          <Text size="sm" c="orange.8">
            Changing the classification recomputes every bot's findings when you save.
          </Text>
        )}
        <Textarea
          label="Description"
          autosize
          minRows={2}
          value={draft.description}
          onChange={(event) => set({ description: event.currentTarget.value })}
          error={errorAt("description")}
        />
        {save.error != null && <MutationErrorAlert error={save.error} title={system ? "Could not save the system" : "Could not add the system"} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={save.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            {system ? "Save" : "Add system"}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
