import { ENVIRONMENTS, FINDING_KINDS, LIFECYCLE_STATUSES } from "@bridle/contracts";
import type { TFindingKind } from "@bridle/contracts";
import { Button, Group, Select, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useEffect, useState } from "react";
import { humanize } from "../../../lib/format.ts";
import { usePeople, useTeams } from "../../directory/queries.ts";
import { hasActiveFilters } from "../search.ts";
import type { BotSearch } from "../search.ts";

const SEARCH_DEBOUNCE_MS = 300;

type Props = {
  search: BotSearch;
  onChange: (patch: Partial<BotSearch>) => void;
  onReset: () => void;
  titleOf: (kind: TFindingKind) => string;
};

function SearchInput({ value, onChange }: { value: string | undefined; onChange: (q: string | undefined) => void }) {
  const [text, setText] = useState(value ?? "");
  const [debounced] = useDebouncedValue(text, SEARCH_DEBOUNCE_MS);

  // Typing updates the URL after a pause; the URL changing elsewhere (back, reset) updates the box.
  // Each effect deliberately depends on one value only, so the two never chase each other.
  useEffect(() => {
    const next = debounced.trim() || undefined;
    if (next !== value) onChange(next);
  }, [debounced]);
  useEffect(() => {
    if ((value ?? "") !== debounced.trim()) setText(value ?? "");
  }, [value]);

  return (
    <TextInput
      label="Search"
      placeholder="Name or purpose"
      type="search"
      value={text}
      onChange={(event) => setText(event.currentTarget.value)}
      w={240}
    />
  );
}

export function InventoryFilters({ search, onChange, onReset, titleOf }: Props) {
  const people = usePeople();
  const teams = useTeams();

  const ownerData = (people.data ?? []).map((person) => ({
    value: person.email,
    label: person.status === "deactivated" ? `${person.displayName} (deactivated)` : person.displayName,
  }));
  // Keep a value from the URL selectable even when it is not among the first 200 people.
  if (search.owner && !ownerData.some((option) => option.value === search.owner)) {
    ownerData.unshift({ value: search.owner, label: search.owner });
  }
  const teamData = (teams.data ?? []).map((team) => ({ value: team.slug, label: team.name }));
  if (search.team && !teamData.some((option) => option.value === search.team)) {
    teamData.unshift({ value: search.team, label: search.team });
  }

  return (
    <Group align="flex-end" gap="sm" wrap="wrap" role="search" aria-label="Filter bots">
      <SearchInput value={search.q} onChange={(q) => onChange({ q })} />
      <Select
        label="Owner"
        placeholder={people.isError ? "Could not load people" : "Any owner"}
        data={ownerData}
        value={search.owner ?? null}
        onChange={(value) => onChange({ owner: value ?? undefined })}
        searchable
        clearable
        nothingFoundMessage="No one matches"
        w={210}
      />
      <Select
        label="Team"
        placeholder={teams.isError ? "Could not load teams" : "Any team"}
        data={teamData}
        value={search.team ?? null}
        onChange={(value) => onChange({ team: value ?? undefined })}
        searchable
        clearable
        w={180}
      />
      <Select
        label="Environment"
        placeholder="Any"
        data={ENVIRONMENTS.map((value) => ({ value, label: humanize(value) }))}
        value={search.environment ?? null}
        onChange={(value) => onChange({ environment: (value ?? undefined) as BotSearch["environment"] })}
        clearable
        w={150}
      />
      <Select
        label="Status"
        placeholder="Any"
        data={LIFECYCLE_STATUSES.map((value) => ({ value, label: humanize(value) }))}
        value={search.status ?? null}
        onChange={(value) => onChange({ status: (value ?? undefined) as BotSearch["status"] })}
        clearable
        w={150}
      />
      <Select
        label="Finding"
        placeholder="Any finding"
        data={FINDING_KINDS.map((value) => ({ value, label: titleOf(value) }))}
        value={search.finding ?? null}
        onChange={(value) => onChange({ finding: (value ?? undefined) as BotSearch["finding"] })}
        clearable
        w={250}
      />
      <Select
        label="Has findings"
        placeholder="Either"
        data={[
          { value: "true", label: "With findings" },
          { value: "false", label: "Without findings" },
        ]}
        value={search.hasFindings ?? null}
        onChange={(value) => onChange({ hasFindings: (value ?? undefined) as BotSearch["hasFindings"] })}
        clearable
        w={170}
      />
      {hasActiveFilters(search) && (
        <Button variant="subtle" onClick={onReset}>
          Clear filters
        </Button>
      )}
    </Group>
  );
}
