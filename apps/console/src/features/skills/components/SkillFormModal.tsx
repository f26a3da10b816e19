import { SKILL_REGISTRIES, SKILL_REGISTRY_LABELS } from "@bridle/contracts";
import type { TSkill, TSkillRegistry } from "@bridle/contracts";
import { Button, Group, Modal, Select, SimpleGrid, Stack, Text, TextInput, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import type { FormEvent } from "react";
import { MutationErrorAlert } from "../../../components/MutationErrorAlert.tsx";
import { errorMessage, fieldIssues, isApiError } from "../../../lib/api.ts";
import { errorLookup, formIssues } from "../../../lib/form-errors.ts";
import { usePeople } from "../../directory/queries.ts";
import { useCreateSkill, useUpdateSkill } from "../queries.ts";

type Draft = { name: string; version: string; registry: TSkillRegistry; package: string; owner: string; notes: string };

const SOURCE_HINT: Record<TSkillRegistry, string> = {
  npm: "The npm package, e.g. @openclaw/skill-github",
  clawhub: "The skill's https URL on ClawHub",
  git: "The repository's https://, git+https:// or ssh:// URL",
};

const issuesOf = (error: unknown) => (isApiError(error) && error.status === 409 ? fieldIssues(error.details) : formIssues(error));

/**
 * Registers a version of a skill (pending until security reviews it), or edits an entry (`skill`
 * given): its source, owner and notes. Name and version never change: another version is another entry.
 */
export function SkillFormModal({ opened, skill, onClose }: { opened: boolean; skill: TSkill | null; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title={skill ? `Edit ${skill.ref}` : "Register a skill version"} size="lg" closeButtonProps={{ "aria-label": "Close" }}>
      {opened && <SkillForm key={skill?.id ?? "new"} skill={skill} onClose={onClose} />}
    </Modal>
  );
}

function SkillForm({ skill, onClose }: { skill: TSkill | null; onClose: () => void }) {
  const create = useCreateSkill();
  const update = useUpdateSkill();
  const save = skill ? update : create;
  const people = usePeople();
  const [draft, setDraft] = useState<Draft>(() => ({
    name: skill?.name ?? "",
    version: skill?.version ?? "",
    registry: skill?.source.registry ?? "npm",
    package: skill?.source.package ?? "",
    owner: skill?.owner?.email ?? "",
    notes: skill?.notes ?? "",
  }));
  const errorAt = errorLookup(issuesOf(save.error));
  const set = (patch: Partial<Draft>) => {
    save.reset();
    setDraft((previous) => ({ ...previous, ...patch }));
  };
  const ownerOptions = (people.data ?? []).filter((p) => p.status === "active").map((p) => ({ value: p.email, label: `${p.displayName} <${p.email}>` }));
  if (draft.owner && !ownerOptions.some((o) => o.value === draft.owner)) ownerOptions.unshift({ value: draft.owner, label: draft.owner });
  const sourceChanged = skill !== null && (draft.registry !== skill.source.registry || draft.package.trim() !== skill.source.package);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const source = { registry: draft.registry, package: draft.package.trim() };
    const notes = draft.notes.trim() ? draft.notes.trim() : null;
    if (skill) {
      update.mutate(
        { id: skill.id, source, owner: draft.owner, notes },
        {
          onSuccess: (saved) => {
            notifications.show({ color: "teal", title: `${saved.ref} saved`, message: saved.status === "pending" && skill.status !== "pending" ? "Its source changed: it waits for security's review again." : "The registry entry was updated." });
            onClose();
          },
        },
      );
    } else {
      create.mutate(
        { name: draft.name.trim(), version: draft.version.trim(), source, owner: draft.owner, notes },
        {
          onSuccess: (saved) => {
            notifications.show({ color: "teal", title: `${saved.ref} registered`, message: "It waits for security's review before bots may use it." });
            onClose();
          },
        },
      );
    }
  };

  return (
    <form onSubmit={submit} noValidate aria-label={skill ? `Edit ${skill.ref}` : "Register a skill version"}>
      <Stack gap="md">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label="Name"
            description="As bots' allowed tools name it (name@version)"
            required
            disabled={skill !== null}
            value={draft.name}
            onChange={(event) => set({ name: event.currentTarget.value })}
            error={errorAt("name")}
            data-autofocus
          />
          <TextInput
            label="Version"
            description="One exact version, e.g. 1.4.2 (no ranges or tags)"
            required
            disabled={skill !== null}
            value={draft.version}
            onChange={(event) => set({ version: event.currentTarget.value })}
            error={errorAt("version")}
          />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Select
            label="Registry"
            required
            allowDeselect={false}
            data={SKILL_REGISTRIES.map((r) => ({ value: r, label: SKILL_REGISTRY_LABELS[r] }))}
            value={draft.registry}
            onChange={(value) => value && set({ registry: value as TSkillRegistry })}
            error={errorAt("source.registry")}
          />
          <TextInput
            label="Source"
            description={SOURCE_HINT[draft.registry]}
            required
            style={{ gridColumn: "span 2" }}
            value={draft.package}
            onChange={(event) => set({ package: event.currentTarget.value })}
            error={errorAt("source.package")}
          />
        </SimpleGrid>
        {sourceChanged && skill?.status !== "pending" && (
          <Text size="sm" c="orange.8">
            A new source sends this version back to security's review: bots using it get a finding until it is approved again.
          </Text>
        )}
        <Select
          label="Owner"
          description="The person responsible for this skill in the org"
          required
          searchable
          placeholder={people.isPending ? "Loading people…" : "Choose the owner"}
          data={ownerOptions}
          value={draft.owner || null}
          onChange={(value) => set({ owner: value ?? "" })}
          nothingFoundMessage="No one matches"
          error={errorAt("owner") ?? (people.isError ? `Could not load people: ${errorMessage(people.error)}` : undefined)}
        />
        <Textarea label="Notes" autosize minRows={2} value={draft.notes} onChange={(event) => set({ notes: event.currentTarget.value })} error={errorAt("notes")} />
        {save.error != null && <MutationErrorAlert error={save.error} title={skill ? "Could not save the entry" : "Could not register the skill"} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={save.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            {skill ? "Save" : "Register"}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
