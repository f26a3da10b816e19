import { AUDIT_ACTOR_TYPES, AUDIT_OUTCOMES } from "@bridle/contracts";
import { Autocomplete, Button, Group, Select, TextInput } from "@mantine/core";
import type { ComboboxData } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { DebouncedSearchInput, useDebouncedUrlText } from "../../../components/DebouncedSearchInput.tsx";
import { botQueryOptions } from "../../bots/queries.ts";
import { usePeople } from "../../directory/queries.ts";
import { ACTION_FAMILIES, ACTION_LABELS, ACTOR_TYPE_LABELS, OUTCOME_LABELS, RESOURCE_TYPE_LABELS } from "../labels.ts";
import { useBotSearch } from "../queries.ts";
import { hasAuditFilters } from "../search.ts";
import type { AuditSearch } from "../search.ts";

type Props = {
  search: AuditSearch;
  onChange: (patch: Partial<AuditSearch>) => void;
  onReset: () => void;
};

const DEBOUNCE_MS = 300;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Bots matching what is typed, plus the selected bot's name even when the search does not list it. */
function useBotOptions(selected: string | undefined, typed: string) {
  const [q] = useDebouncedValue(typed.trim(), DEBOUNCE_MS);
  const found = useBotSearch(q);
  const current = useQuery({ ...botQueryOptions(selected ?? ""), enabled: selected !== undefined && UUID.test(selected), retry: false });
  const options = (found.data ?? []).map((bot) => ({ value: bot.id, label: bot.name }));
  if (selected && !options.some((o) => o.value === selected) && current.data?.id === selected) options.unshift({ value: selected, label: current.data.name });
  return { options, isError: found.isError };
}

/**
 * Who acted: a person (from the directory), a bot (searched by name), or any id typed as is
 * (an API token's owner, a person no longer listed).
 */
function ActorPicker({ value, onChange }: { value: string | undefined; onChange: (actorId: string | undefined) => void }) {
  const [typed, setTyped] = useState("");
  const people = usePeople();
  const bots = useBotOptions(value, typed);
  const peopleOptions = (people.data ?? []).map((p) => ({ value: p.id, label: `${p.displayName} (${p.email})` }));
  const known = [...peopleOptions, ...bots.options];
  const data: { group: string; items: { value: string; label: string }[] }[] = [
    { group: "People", items: peopleOptions },
    { group: "Bots", items: bots.options.filter((b) => !peopleOptions.some((p) => p.value === b.value)) },
  ];
  const free = typed.trim();
  if (free && !known.some((o) => o.label === free || o.value === free)) data.push({ group: "Any actor", items: [{ value: free, label: `Actor id “${free}”` }] });
  if (value && !known.some((o) => o.value === value) && value !== free) data.push({ group: "Selected", items: [{ value, label: `Actor id “${value}”` }] });
  return (
    <Select
      label="Actor"
      placeholder="Anyone"
      data={data}
      value={value ?? null}
      onChange={(next) => onChange(next ?? undefined)}
      searchValue={typed}
      onSearchChange={setTyped}
      searchable
      clearable
      nothingFoundMessage="Nobody found"
      w={260}
      comboboxProps={{ width: 340, position: "bottom-start" }}
    />
  );
}

function BotPicker({ value, onChange }: { value: string | undefined; onChange: (botId: string | undefined) => void }) {
  const [typed, setTyped] = useState("");
  const bots = useBotOptions(value, typed);
  return (
    <Select
      label="Bot"
      description="acted, acted on, or the subject"
      placeholder={bots.isError ? "Could not load bots" : "Any bot"}
      data={bots.options}
      value={value ?? null}
      onChange={(next) => onChange(next ?? undefined)}
      searchValue={typed}
      onSearchChange={setTyped}
      searchable
      clearable
      nothingFoundMessage="No bot by that name"
      w={230}
    />
  );
}

const ACTION_OPTIONS: ComboboxData = [
  { group: "Families", items: ACTION_FAMILIES.map((f) => f.value) },
  { group: "Actions", items: Object.keys(ACTION_LABELS) },
];

/** An exact action (`policy.update`) or a family prefix ending in `.` (`approval.`). */
function ActionInput({ value, onChange }: { value: string | undefined; onChange: (action: string | undefined) => void }) {
  const [text, setText] = useDebouncedUrlText(value, onChange);
  return (
    <Autocomplete
      label="Action"
      description="exact, or a prefix ending in “.”"
      placeholder="Any action"
      data={ACTION_OPTIONS}
      value={text}
      onChange={setText}
      clearable
      limit={40}
      w={230}
    />
  );
}

/** A UTC calendar day (`YYYY-MM-DD`), as the browser's date picker gives it. */
function DayInput({ label, value, onChange, description }: { label: string; description: string; value: string | undefined; onChange: (day: string | undefined) => void }) {
  return (
    <TextInput
      type="date"
      label={label}
      description={description}
      value={value ?? ""}
      onChange={(event) => onChange(event.currentTarget.value || undefined)}
      w={160}
    />
  );
}

/** Every filter of the audit log; each lives in the URL, so a filtered view can be shared. */
export function AuditFilters({ search, onChange, onReset }: Props) {
  const resourceTypes = Object.entries(RESOURCE_TYPE_LABELS).map(([value, label]) => ({ value, label }));
  if (search.resourceType && !(search.resourceType in RESOURCE_TYPE_LABELS)) resourceTypes.unshift({ value: search.resourceType, label: search.resourceType });
  return (
    <Group align="flex-end" gap="sm" wrap="wrap" role="search" aria-label="Filter audit events">
      <ActorPicker value={search.actorId} onChange={(actorId) => onChange({ actorId })} />
      <Select
        label="Actor type"
        placeholder="Any type"
        data={AUDIT_ACTOR_TYPES.map((value) => ({ value, label: ACTOR_TYPE_LABELS[value] }))}
        value={search.actorType ?? null}
        onChange={(value) => onChange({ actorType: (value ?? undefined) as AuditSearch["actorType"] })}
        clearable
        w={150}
      />
      <BotPicker value={search.botId} onChange={(botId) => onChange({ botId })} />
      <ActionInput value={search.action} onChange={(action) => onChange({ action })} />
      <Select
        label="Outcome"
        placeholder="Any outcome"
        data={AUDIT_OUTCOMES.map((value) => ({ value, label: OUTCOME_LABELS[value] }))}
        value={search.outcome ?? null}
        onChange={(value) => onChange({ outcome: (value ?? undefined) as AuditSearch["outcome"] })}
        clearable
        w={150}
      />
      <Select
        label="Resource"
        placeholder="Any resource"
        data={resourceTypes}
        value={search.resourceType ?? null}
        onChange={(value) => onChange({ resourceType: value ?? undefined })}
        searchable
        clearable
        w={190}
      />
      <DebouncedSearchInput label="Resource id" value={search.resourceId} onChange={(resourceId) => onChange({ resourceId })} placeholder="Any id" width={170} />
      <DayInput label="From" description="UTC day, included" value={search.from} onChange={(from) => onChange({ from })} />
      <DayInput label="To" description="UTC day, included" value={search.to} onChange={(to) => onChange({ to })} />
      <DebouncedSearchInput label="Request id" value={search.requestId} onChange={(requestId) => onChange({ requestId })} placeholder="x-request-id" width={200} />
      <DebouncedSearchInput label="Session id" value={search.sessionId} onChange={(sessionId) => onChange({ sessionId })} placeholder="Runtime session" width={200} />
      {hasAuditFilters(search) && (
        <Button variant="subtle" onClick={onReset}>
          Clear filters
        </Button>
      )}
    </Group>
  );
}
