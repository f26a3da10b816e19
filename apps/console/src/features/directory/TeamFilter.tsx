import { Select } from "@mantine/core";
import { useTeams } from "./queries.ts";

/**
 * The "Team" filter used by the inventory, people and approvals lists: teams by slug, keeping a
 * slug from the URL selectable even before (or without) the team list loading.
 */
export function TeamFilter({ value, onChange, width = 180 }: { value: string | undefined; onChange: (team: string | undefined) => void; width?: number }) {
  const teams = useTeams();
  const data = (teams.data ?? []).map((team) => ({ value: team.slug, label: team.name }));
  if (value && !data.some((option) => option.value === value)) data.unshift({ value, label: value });
  return (
    <Select
      label="Team"
      placeholder={teams.isError ? "Could not load teams" : "Any team"}
      data={data}
      value={value ?? null}
      onChange={(team) => onChange(team ?? undefined)}
      searchable
      clearable
      w={width}
    />
  );
}
