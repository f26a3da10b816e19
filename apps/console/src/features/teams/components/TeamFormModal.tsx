import type { TTeam } from "@bridle/contracts";
import { Button, Group, Modal, Stack, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import type { FormEvent } from "react";
import { MutationErrorAlert } from "../../../components/MutationErrorAlert.tsx";
import { fieldIssues, isApiError } from "../../../lib/api.ts";
import { errorLookup, formIssues } from "../../../lib/form-errors.ts";
import { useCreateTeam, useRenameTeam } from "../queries.ts";

const issuesOf = (error: unknown) => (isApiError(error) && error.status === 409 ? fieldIssues(error.details) : formIssues(error));

/** Creates a team (name, optional slug), or renames `team` (its slug stays: bots and imports use it). */
export function TeamFormModal({ opened, team, onClose }: { opened: boolean; team: TTeam | null; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title={team ? `Rename ${team.name}` : "Create a team"} closeButtonProps={{ "aria-label": "Close" }}>
      {opened && <TeamForm key={team?.id ?? "new"} team={team} onClose={onClose} />}
    </Modal>
  );
}

function TeamForm({ team, onClose }: { team: TTeam | null; onClose: () => void }) {
  const create = useCreateTeam();
  const rename = useRenameTeam();
  const save = team ? rename : create;
  const [name, setName] = useState(team?.name ?? "");
  const [slug, setSlug] = useState("");
  const errorAt = errorLookup(issuesOf(save.error));

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const onSuccess = (saved: { name: string; slug: string }) => {
      notifications.show({ color: "teal", title: team ? "Team renamed" : "Team created", message: `${saved.name} (${saved.slug})` });
      onClose();
    };
    if (team) rename.mutate({ id: team.id, name }, { onSuccess });
    else create.mutate(slug.trim() ? { name, slug: slug.trim() } : { name }, { onSuccess });
  };

  return (
    <form onSubmit={submit} noValidate aria-label={team ? `Rename ${team.name}` : "Create a team"}>
      <Stack gap="md">
        <TextInput
          label="Name"
          required
          data-autofocus
          value={name}
          onChange={(event) => (save.reset(), setName(event.currentTarget.value))}
          error={errorAt("name")}
        />
        {!team && (
          <TextInput
            label="Slug"
            description="How bots and import files name the team (team: platform). Made from the name when left empty; it cannot be changed later."
            value={slug}
            onChange={(event) => (save.reset(), setSlug(event.currentTarget.value))}
            error={errorAt("slug")}
          />
        )}
        {save.error != null && <MutationErrorAlert error={save.error} title={team ? "Could not rename the team" : "Could not create the team"} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={save.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            {team ? "Rename" : "Create team"}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
