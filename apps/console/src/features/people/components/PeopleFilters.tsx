import { PERSON_STATUSES } from "@bridle/contracts";
import { Button, Group, Select } from "@mantine/core";
import { DebouncedSearchInput } from "../../../components/DebouncedSearchInput.tsx";
import { humanize } from "../../../lib/format.ts";
import { TeamFilter } from "../../directory/TeamFilter.tsx";
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
      <TeamFilter value={search.team} onChange={(team) => onChange({ team })} width={200} />
      {hasPeopleFilters(search) && (
        <Button variant="subtle" onClick={onReset}>
          Clear filters
        </Button>
      )}
    </Group>
  );
}
