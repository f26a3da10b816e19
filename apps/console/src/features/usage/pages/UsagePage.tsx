import type { TUsageCounters, TUsageGranularity, TUsageScope } from "@bridle/contracts";
import { Alert, Button, Group, Paper, SegmentedControl, Select, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useNavigate, useSearch } from "@tanstack/react-router";
import { useState } from "react";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { errorMessage } from "../../../lib/api.ts";
import { useMe } from "../../auth/queries.ts";
import { useCan } from "../../auth/permissions.tsx";
import { useBotList } from "../../bots/queries.ts";
import { useTeams } from "../../directory/queries.ts";
import { BudgetsSection } from "../components/BudgetsSection.tsx";
import { compact, usd } from "../components/format.ts";
import { UsageChart } from "../components/UsageChart.tsx";
import { downloadUsageCsv, useUsage, type UsageQuery } from "../queries.ts";

const GRANULARITIES: { value: TUsageGranularity; label: string }[] = [
  { value: "day", label: "Day" },
  { value: "week", label: "Week" },
  { value: "month", label: "Month" },
];

const TOTALS: { key: keyof TUsageCounters; label: string; money?: boolean }[] = [
  { key: "costUsd", label: "Cost", money: true },
  { key: "sessions", label: "Sessions" },
  { key: "toolCalls", label: "Tool calls" },
  { key: "toolFailures", label: "Tool failures" },
  { key: "timeouts", label: "Timeouts" },
  { key: "decisionsDeny", label: "Permission denials" },
  { key: "approvalsAsked", label: "Approvals asked" },
  { key: "approvalsGranted", label: "Approvals granted" },
  { key: "approvalsDenied", label: "Approvals denied" },
  { key: "denialsOverruled", label: "Denials overruled" },
];

/**
 * Usage and cost over time for every bot, a team, an owner's bots or one bot, by day, week or
 * month (UTC), with a CSV export; and the budget caps with their spend. What someone may pick
 * follows what the API lets them read: without `bots.read_all`, their own bots.
 */
export function UsagePage() {
  const me = useMe();
  const can = useCan();
  const readAll = can("bots.read_all");
  const search = useSearch({ from: "/usage" });
  const navigate = useNavigate({ from: "/usage" });
  const myId = me.data?.id;
  const scope: TUsageScope = search.scope ?? (readAll ? "org" : "owner");
  const id = scope === "org" ? undefined : scope === "owner" && !search.id ? myId : search.id;
  const granularity = search.granularity ?? "day";
  const q: UsageQuery = { scope, id, granularity };
  const usage = useUsage(q, scope === "org" || Boolean(id));
  const teams = useTeams();
  const bots = useBotList(readAll ? {} : { owner: me.data?.email });
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);

  const set = (next: Partial<UsageQuery>) => void navigate({ search: (prev) => ({ ...prev, ...next }) });
  const scopes = [
    ...(readAll ? [{ value: "org", label: "All bots" }] : []),
    { value: "owner", label: readAll ? "An owner's bots" : "My bots" },
    ...(readAll ? [{ value: "team", label: "A team" }] : []),
    { value: "bot", label: "One bot" },
  ];
  const subjectOptions =
    scope === "team"
      ? (teams.data ?? []).map((t) => ({ value: t.id, label: t.name }))
      : scope === "bot"
        ? (bots.data?.pages.flatMap((p) => p.items) ?? []).map((b) => ({ value: b.id, label: b.name }))
        : [];

  const body = () => {
    if (scope !== "org" && !id) return <EmptyBlock title={`Choose a ${scope === "team" ? "team" : "bot"}`} description="Usage appears once you pick what to look at." />;
    if (usage.isPending) return <LoadingBlock label="Loading usage" />;
    if (usage.isError) return <ErrorBlock title="Could not load usage" error={usage.error} onRetry={() => void usage.refetch()} />;
    const r = usage.data;
    const empty = Object.values(r.totals).every((v) => v === 0);
    return (
      <Stack gap="lg">
        <Text size="sm" c="dimmed" data-testid="usage-scope">
          {r.label} · {r.bots.toLocaleString("en-US")} {r.bots === 1 ? "bot" : "bots"} · {r.from.slice(0, 10)} to {r.to.slice(0, 10)} (UTC)
        </Text>
        <SimpleGrid cols={{ base: 2, sm: 5 }} spacing="sm" data-testid="usage-totals">
          {TOTALS.map((t) => (
            <Paper key={t.key} withBorder radius="md" p="sm">
              <Text size="xs" c="dimmed">
                {t.label}
              </Text>
              <Text fw={600} size="lg">
                {t.money ? usd(r.totals[t.key]) : r.totals[t.key].toLocaleString("en-US")}
              </Text>
            </Paper>
          ))}
        </SimpleGrid>
        {empty ? (
          <EmptyBlock title="No usage in this period" description="Nothing was reported by these bots' runtimes or decided for them yet. Usage appears as their runtimes send events and ask for decisions." />
        ) : (
          <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
            <ChartCard title="Cost (USD)">
              <UsageChart title="Cost" granularity={granularity} points={r.series} format={usd} series={[{ key: "costUsd", label: "Cost", color: "var(--mantine-color-blue-6)" }]} />
            </ChartCard>
            <ChartCard title="Model tokens">
              <UsageChart
                title="Model tokens"
                granularity={granularity}
                points={r.series}
                format={compact}
                stacked
                series={[
                  { key: "inputTokens", label: "Input", color: "var(--mantine-color-indigo-5)" },
                  { key: "outputTokens", label: "Output", color: "var(--mantine-color-cyan-5)" },
                ]}
              />
            </ChartCard>
            <ChartCard title="Task volume and tool calls">
              <UsageChart
                title="Task volume and tool calls"
                granularity={granularity}
                points={r.series}
                series={[
                  { key: "sessions", label: "Sessions", color: "var(--mantine-color-grape-5)" },
                  { key: "toolCalls", label: "Tool calls", color: "var(--mantine-color-teal-6)" },
                ]}
              />
            </ChartCard>
            <ChartCard title="Failures and timeouts">
              <UsageChart
                title="Failures and timeouts"
                granularity={granularity}
                points={r.series}
                series={[
                  { key: "toolFailures", label: "Tool failures", color: "var(--mantine-color-orange-6)" },
                  { key: "timeouts", label: "Timeouts", color: "var(--mantine-color-yellow-6)" },
                  { key: "errors", label: "Errors", color: "var(--mantine-color-red-6)" },
                ]}
              />
            </ChartCard>
            <ChartCard title="Decisions">
              <UsageChart
                title="Decisions"
                granularity={granularity}
                points={r.series}
                stacked
                series={[
                  { key: "decisionsAllow", label: "Allowed", color: "var(--mantine-color-teal-5)" },
                  { key: "decisionsDeny", label: "Denied", color: "var(--mantine-color-red-5)" },
                  { key: "approvalsAsked", label: "Approval asked", color: "var(--mantine-color-violet-5)" },
                ]}
              />
            </ChartCard>
            <ChartCard title="Human overrides">
              <UsageChart
                title="Human overrides"
                granularity={granularity}
                points={r.series}
                series={[
                  { key: "approvalsGranted", label: "Approvals granted", color: "var(--mantine-color-green-6)" },
                  { key: "approvalsDenied", label: "Approvals denied", color: "var(--mantine-color-pink-6)" },
                  { key: "denialsOverruled", label: "Denials overruled", color: "var(--mantine-color-orange-6)" },
                ]}
              />
            </ChartCard>
          </SimpleGrid>
        )}
      </Stack>
    );
  };

  return (
    <>
      <PageHeader
        title="Usage and budgets"
        description="What the bots did and cost, from their runtimes' events and Bridle's decisions, counted on Bridle's clock (UTC). Teams and owners are the bots' current ones."
      />
      <Stack gap="lg">
        <Group align="flex-end" gap="sm" wrap="wrap">
          <Select
            label="Show"
            data={scopes}
            value={scope}
            onChange={(v) => set({ scope: (v as TUsageScope) ?? scope, id: undefined })}
            allowDeselect={false}
            w={170}
          />
          {(scope === "team" || scope === "bot") && (
            <Select
              label={scope === "team" ? "Team" : "Bot"}
              placeholder="Choose"
              data={subjectOptions}
              value={id ?? null}
              onChange={(v) => set({ id: v ?? undefined })}
              searchable
              w={260}
            />
          )}
          <SegmentedControl aria-label="Granularity" data={GRANULARITIES} value={granularity} onChange={(v) => set({ granularity: v as TUsageGranularity })} />
          <Button
            variant="default"
            loading={exporting}
            disabled={scope !== "org" && !id}
            onClick={() => {
              setExporting(true);
              setExportError(null);
              downloadUsageCsv(q)
                .catch((e: unknown) => setExportError(e))
                .finally(() => setExporting(false));
            }}
          >
            Export CSV
          </Button>
        </Group>
        {exportError != null && (
          <Alert color="red" variant="light" role="alert" title="The export failed">
            {errorMessage(exportError)}
          </Alert>
        )}
        {body()}
        <Paper withBorder radius="md" p="lg" component="section" aria-label="Budget caps">
          <Title order={2} fz="h4" mb="md">
            Budget caps
          </Title>
          <BudgetsSection />
        </Paper>
      </Stack>
    </>
  );
}

function ChartCard({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label={title}>
      <Title order={3} fz="h5" mb="sm">
        {title}
      </Title>
      {children}
    </Paper>
  );
}
