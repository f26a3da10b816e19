import { APPROVAL_KINDS } from "@bridle/contracts";
import { Button, Group, Select, Switch } from "@mantine/core";
import { DebouncedSearchInput } from "../../../components/DebouncedSearchInput.tsx";
import { TeamFilter } from "../../directory/TeamFilter.tsx";
import { KIND_LABELS } from "../labels.ts";
import { AGE_OPTIONS, hasActiveFilters } from "../search.ts";
import type { ApprovalSearch } from "../search.ts";

type Props = {
  search: ApprovalSearch;
  onChange: (patch: Partial<ApprovalSearch>) => void;
  onReset: () => void;
};

/** Kind, bot, team, age and "Mine"; the status is the page's tabs. */
export function ApprovalFilters({ search, onChange, onReset }: Props) {

  return (
    <Group align="flex-end" gap="sm" wrap="wrap" role="search" aria-label="Filter approval requests">
      <Select
        label="Kind"
        placeholder="Any kind"
        data={APPROVAL_KINDS.map((value) => ({ value, label: KIND_LABELS[value] }))}
        value={search.kind ?? null}
        onChange={(value) => onChange({ kind: (value ?? undefined) as ApprovalSearch["kind"] })}
        clearable
        w={210}
      />
      <DebouncedSearchInput label="Bot" value={search.bot} onChange={(bot) => onChange({ bot })} placeholder="Bot name" width={200} />
      <TeamFilter value={search.team} onChange={(team) => onChange({ team })} width={180} />
      <Select
        label="Age"
        placeholder="Any age"
        data={AGE_OPTIONS.map((option) => ({ ...option }))}
        value={search.olderThanMinutes ?? null}
        onChange={(value) => onChange({ olderThanMinutes: (value ?? undefined) as ApprovalSearch["olderThanMinutes"] })}
        clearable
        w={190}
      />
      <Switch
        label="Mine"
        description="Only requests I made"
        checked={search.mine === "true"}
        onChange={(event) => onChange({ mine: event.currentTarget.checked ? "true" : undefined })}
        mb={4}
      />
      {hasActiveFilters(search) && (
        <Button variant="subtle" onClick={onReset}>
          Clear filters
        </Button>
      )}
    </Group>
  );
}
