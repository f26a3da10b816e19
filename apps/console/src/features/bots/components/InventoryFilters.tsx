import { ENVIRONMENTS, FINDING_KINDS, LIFECYCLE_STATUSES } from "@bridle/contracts";
import type { TFindingKind } from "@bridle/contracts";
import { Button, Group, Select } from "@mantine/core";
import { DebouncedSearchInput } from "../../../components/DebouncedSearchInput.tsx";
import { humanize } from "../../../lib/format.ts";
import { usePeople } from "../../directory/queries.ts";
import { TeamFilter } from "../../directory/TeamFilter.tsx";
import { hasActiveFilters } from "../search.ts";
import type { BotSearch } from "../search.ts";

type Props = {
  search: BotSearch;
  onChange: (patch: Partial<BotSearch>) => void;
  onReset: () => void;
  titleOf: (kind: TFindingKind) => string;
  /** Hidden on "My bots", where the owner is always the signed-in person. */
  hideOwner?: boolean;
};

export function InventoryFilters({ search, onChange, onReset, titleOf, hideOwner = false }: Props) {
  const people = usePeople({ enabled: !hideOwner });

  const ownerData = (people.data ?? []).map((person) => ({
    value: person.email,
    label: person.status === "deactivated" ? `${person.displayName} (deactivated)` : person.displayName,
  }));
  // Keep a value from the URL selectable even when it is not among the first 200 people.
  if (search.owner && !ownerData.some((option) => option.value === search.owner)) {
    ownerData.unshift({ value: search.owner, label: search.owner });
  }

  return (
    <Group align="flex-end" gap="sm" wrap="wrap" role="search" aria-label="Filter bots">
      <DebouncedSearchInput value={search.q} onChange={(q) => onChange({ q })} placeholder="Name or purpose" />
      {!hideOwner && (
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
      )}
      <TeamFilter value={search.team} onChange={(team) => onChange({ team })} width={180} />
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
