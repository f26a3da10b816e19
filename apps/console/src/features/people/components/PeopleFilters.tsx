import { PERSON_STATUSES } from "@bridle/contracts";
import { Button, Group, Select } from "@mantine/core";
import { DebouncedSearchInput } from "../../../components/DebouncedSearchInput.tsx";
import { humanize } from "../../../lib/format.ts";
import { useTeams } from "../../directory/queries.ts";
import { ROLE_OPTIONS } from "../roles.ts";
import { hasPeopleFilters } from "../search.ts";
import type { PeopleSearch } from "../search.ts";

export function PeopleFilters({
  search,
  onChange,
  onReset,
}: {
  search: PeopleSearch;
  onChange: (patch: Partial<PeopleSearch>) => void;
  onReset: () => void;
}) {
  const teams = useTeams();
  const teamData = (teams.data ?? []).map((team) => ({ value: team.slug, label: team.name }));
  if (search.team && !teamData.some((option) => option.value === search.team)) {
    teamData.unshift({ value: search.team, label: search.team });
  }

  return (
    <Group align="flex-end" gap="sm" wrap="wrap" role="search" aria-label="Filter people">
      <DebouncedSearchInput value={search.q} onChange={(q) => onChange({ q })} placeholder="Name or email" />
      <Select
        label="Status"
        placeholder="Any"
        data={PERSON_STATUSES.map((value) => ({ value, label: humanize(value) }))}
        value={search.status ?? null}
        onChange={(value) => onChange({ status: (value ?? undefined) as PeopleSearch["status"] })}
        clearable
        w={150}
      />
      <Select
        label="Role"
        placeholder="Any role"
        data={ROLE_OPTIONS}
        value={search.role ?? null}
        onChange={(value) => onChange({ role: (value ?? undefined) as PeopleSearch["role"] })}
        clearable
        w={150}
      />
      <Select
        label="Team"
        placeholder={teams.isError ? "Could not load teams" : "Any team"}
        data={teamData}
        value={search.team ?? null}
        onChange={(value) => onChange({ team: value ?? undefined })}
        searchable
        clearable
        w={200}
      />
      {hasPeopleFilters(search) && (
        <Button variant="subtle" onClick={onReset}>
          Clear filters
        </Button>
      )}
    </Group>
  );
}
