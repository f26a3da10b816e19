import { INCIDENT_SEVERITIES, type TIncidentSeverity } from "@bridle/contracts";
import { Button, Checkbox, Group, MultiSelect, Paper, Select, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { getRouteApi, useNavigate } from "@tanstack/react-router";
import { useMemo, useState } from "react";
import { AnchorLink } from "../../../components/links.tsx";
import { MutationErrorAlert } from "../../../components/MutationErrorAlert.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { useBotList } from "../../bots/queries.ts";
import { useDeclareIncident } from "../queries.ts";

const route = getRouteApi("/incidents/new");

/** A `datetime-local` value for a date, in the browser's time zone. */
const localInput = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

/**
 * Declare an incident or a drill. Links from an alert, an audit event or a bot fill in the bot and
 * the evidence (`?botId=...&evidence=<audit event id>`).
 */
export function DeclareIncidentPage() {
  const search = route.useSearch();
  const navigate = useNavigate();
  const declare = useDeclareIncident();
  const [title, setTitle] = useState("");
  const [severity, setSeverity] = useState<TIncidentSeverity>("high");
  const [detectedAt, setDetectedAt] = useState(localInput(new Date()));
  const [isDrill, setIsDrill] = useState(search.drill === "true");
  const [summary, setSummary] = useState("");
  const [botIds, setBotIds] = useState<string[]>(search.botId ? [search.botId] : []);
  const [names, setNames] = useState<Record<string, string>>({});
  const [query, setQuery] = useState("");
  const [debounced] = useDebouncedValue(query, 250);
  const bots = useBotList({ q: debounced || undefined });
  const options = useMemo(() => {
    const found = (bots.data?.pages[0]?.items ?? []).map((b) => ({ value: b.id, label: b.name }));
    const kept = botIds.filter((id) => !found.some((o) => o.value === id)).map((id) => ({ value: id, label: names[id] ?? id }));
    return [...kept, ...found];
  }, [bots.data, botIds, names]);

  const submit = () => {
    declare.mutate(
      {
        title,
        severity,
        detectedAt: new Date(detectedAt).toISOString(),
        isDrill,
        summary,
        botIds,
        evidence: search.evidence ? [{ auditEventId: search.evidence, note: "Linked when the incident was declared" }] : [],
      },
      { onSuccess: (incident) => void navigate({ to: "/incidents/$incidentId", params: { incidentId: incident.id } }) },
    );
  };

  return (
    <>
      <PageHeader
        above={
          <AnchorLink to="/incidents" size="sm">
            ← Incidents
          </AnchorLink>
        }
        title={isDrill ? "Run a drill" : "Declare incident"}
        description="Start with what you know: the response windows count from the detection time, and the blast radius grows from the bots you name."
      />
      <Paper withBorder radius="md" p="lg" maw={720}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <Stack>
            <TextInput label="Title" required maxLength={200} value={title} onChange={(e) => setTitle(e.currentTarget.value)} placeholder="Support bot posted customer data to Telegram" />
            <Group grow align="flex-start">
              <Select
                label="Severity"
                required
                allowDeselect={false}
                value={severity}
                onChange={(v) => v && setSeverity(v as TIncidentSeverity)}
                data={INCIDENT_SEVERITIES.map((s) => ({ value: s, label: s[0]!.toUpperCase() + s.slice(1) }))}
              />
              <TextInput type="datetime-local" label="Detected at" required value={detectedAt} onChange={(e) => setDetectedAt(e.currentTarget.value)} />
            </Group>
            <MultiSelect
              label="Bots involved"
              description="Search by name; the blast radius (systems, credentials, people) is computed from these bots"
              searchable
              searchValue={query}
              onSearchChange={setQuery}
              data={options}
              value={botIds}
              onChange={(ids) => {
                setNames((n) => ({ ...n, ...Object.fromEntries(options.filter((o) => ids.includes(o.value)).map((o) => [o.value, o.label])) }));
                setBotIds(ids);
              }}
              nothingFoundMessage={bots.isFetching ? "Searching…" : "No bot by that name"}
              filter={({ options: o }) => o}
            />
            <Textarea label="What happened" autosize minRows={3} maxLength={10_000} value={summary} onChange={(e) => setSummary(e.currentTarget.value)} />
            {search.evidence && (
              <Text size="sm">
                Evidence:{" "}
                <AnchorLink to="/audit/$eventId" params={{ eventId: search.evidence }} size="sm">
                  the audit event you came from
                </AnchorLink>{" "}
                is linked.
              </Text>
            )}
            <Checkbox label="This is a drill (recorded and exported like an incident, marked DRILL everywhere)" checked={isDrill} onChange={(e) => setIsDrill(e.currentTarget.checked)} />
            {declare.isError && <MutationErrorAlert error={declare.error} title="The incident was not declared" />}
            <Group>
              <Button type="submit" loading={declare.isPending} color={isDrill ? undefined : "red"}>
                {isDrill ? "Start drill" : "Declare incident"}
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
    </>
  );
}
