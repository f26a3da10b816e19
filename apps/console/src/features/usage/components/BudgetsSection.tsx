import type { TBudget, TBudgetPeriod, TBudgetScope } from "@bridle/contracts";
import { ActionIcon, Button, Group, NumberInput, Progress, Select, Stack, Table, Text, Tooltip } from "@mantine/core";
import { useState } from "react";
import { ConfirmDialog } from "../../../components/ConfirmDialog.tsx";
import { MutationErrorAlert } from "../../../components/MutationErrorAlert.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { useCan } from "../../auth/permissions.tsx";
import { useBotList } from "../../bots/queries.ts";
import { useTeams } from "../../directory/queries.ts";
import { useBudgets, useRemoveBudget, useSetBudget, type BudgetQuery } from "../queries.ts";
import { usd } from "./format.ts";

const PERIOD_LABEL: Record<TBudgetPeriod, string> = { day: "Daily (UTC)", month: "Monthly (UTC)" };

/**
 * One cap: spend against it as a bar, red once it is spent. When the API withholds the spend (a
 * team cap seen by someone outside the team) it says so, with whether the cap is near or spent.
 */
export function BudgetBar({ budget }: { budget: TBudget }) {
  const when = budget.period === "day" ? "today" : "this month";
  const spentNote = budget.exhausted ? " — spent: only read-only actions until the period ends" : "";
  if (budget.spentUsd === null)
    return (
      <Stack gap={2}>
        <Text size="sm">
          Cap {usd(budget.capUsd)} {when}
          {budget.exhausted ? spentNote : budget.near ? " — 80 % or more spent" : " — below 80 %"}
        </Text>
        <Text size="xs" c="dimmed" data-testid="spend-hidden">
          {budget.spentHidden ?? "Spend not shown"}
        </Text>
      </Stack>
    );
  const share = Math.min(100, Math.round((budget.spentUsd / budget.capUsd) * 100));
  const color = budget.exhausted ? "red" : budget.near ? "orange" : "teal";
  return (
    <Stack gap={2}>
      <Text size="sm">
        {usd(budget.spentUsd)} of {usd(budget.capUsd)} {when}
        {spentNote}
      </Text>
      <Progress value={share} color={color} size="md" radius="xl" aria-label={`${share}% of the ${budget.period === "day" ? "daily" : "monthly"} budget spent`} />
    </Stack>
  );
}

/** Admin form: set (create or replace) a cap. */
function SetBudgetForm() {
  const teams = useTeams();
  const bots = useBotList({});
  const set = useSetBudget();
  const [scope, setScope] = useState<TBudgetScope>("bot");
  const [subjectId, setSubjectId] = useState<string | null>(null);
  const [period, setPeriod] = useState<TBudgetPeriod>("day");
  const [cap, setCap] = useState<number | string>("");
  const subjects =
    scope === "team"
      ? (teams.data ?? []).map((t) => ({ value: t.id, label: t.name }))
      : (bots.data?.pages.flatMap((p) => p.items) ?? []).map((b) => ({ value: b.id, label: b.name }));
  const capNumber = typeof cap === "number" ? cap : Number.NaN;
  const ready = subjectId !== null && Number.isFinite(capNumber) && capNumber > 0;
  return (
    <Stack gap="xs">
      <Group align="flex-end" gap="sm" wrap="wrap">
        <Select
          label="Cap for"
          data={[
            { value: "bot", label: "A bot" },
            { value: "team", label: "A team" },
          ]}
          value={scope}
          onChange={(v) => {
            setScope((v as TBudgetScope) ?? "bot");
            setSubjectId(null);
          }}
          allowDeselect={false}
          w={120}
        />
        <Select label={scope === "team" ? "Team" : "Bot"} placeholder="Choose" data={subjects} value={subjectId} onChange={setSubjectId} searchable w={240} />
        <Select
          label="Period"
          data={[
            { value: "day", label: PERIOD_LABEL.day },
            { value: "month", label: PERIOD_LABEL.month },
          ]}
          value={period}
          onChange={(v) => setPeriod((v as TBudgetPeriod) ?? "day")}
          allowDeselect={false}
          w={150}
        />
        <NumberInput label="Cap (USD)" value={cap} onChange={setCap} min={0.01} step={1} decimalScale={2} prefix="$" w={140} />
        <Button
          disabled={!ready}
          loading={set.isPending}
          onClick={() => {
            if (!ready) return;
            set.mutate({ scope, subjectId, period, capUsd: Math.round(capNumber * 100) / 100 }, { onSuccess: () => setCap("") });
          }}
        >
          Set cap
        </Button>
      </Group>
      <Text size="xs" c="dimmed">
        Setting a cap that already exists for this {scope} and period replaces it. At 80 % the owners are notified; at the cap their bots may only take read-only actions until the
        period ends.
      </Text>
      {set.isError && <MutationErrorAlert error={set.error} title="The cap was not saved" />}
    </Stack>
  );
}

/** Budget caps with spend; admins set and remove them (removal asks first). */
export function BudgetsSection({ query = {}, showForm = true }: { query?: BudgetQuery; showForm?: boolean }) {
  const can = useCan();
  const manage = can("budgets.manage");
  const budgets = useBudgets(query);
  const remove = useRemoveBudget();
  const [removing, setRemoving] = useState<TBudget | null>(null);

  const list = () => {
    if (budgets.isPending) return <LoadingBlock label="Loading budgets" />;
    if (budgets.isError) return <ErrorBlock title="Could not load budgets" error={budgets.error} onRetry={() => void budgets.refetch()} />;
    if (budgets.data.length === 0)
      return <EmptyBlock title="No budget caps" description={manage ? "Set a daily or monthly cap in USD for a bot or a team." : "No cap covers these bots. Admins set caps."} />;
    return (
      <Table verticalSpacing="sm" data-testid="budget-list">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Cap for</Table.Th>
            <Table.Th>Period</Table.Th>
            <Table.Th w="45%">Spend</Table.Th>
            <Table.Th>Set by</Table.Th>
            {manage && <Table.Th aria-label="Actions" />}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {budgets.data.map((b) => (
            <Table.Tr key={b.id}>
              <Table.Td>
                <Text size="sm">
                  {b.scope === "team" ? "Team " : "Bot "}
                  <b>{b.subjectName}</b>
                </Text>
              </Table.Td>
              <Table.Td>{PERIOD_LABEL[b.period]}</Table.Td>
              <Table.Td>
                <BudgetBar budget={b} />
              </Table.Td>
              <Table.Td>
                <Text size="xs" c="dimmed">
                  {b.setBy}
                </Text>
              </Table.Td>
              {manage && (
                <Table.Td>
                  <Tooltip label="Remove this cap">
                    <ActionIcon variant="subtle" color="red" aria-label={`Remove the ${b.period === "day" ? "daily" : "monthly"} cap of ${b.subjectName}`} onClick={() => setRemoving(b)}>
                      ✕
                    </ActionIcon>
                  </Tooltip>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    );
  };

  return (
    <Stack gap="md">
      {list()}
      {manage && showForm && <SetBudgetForm />}
      <ConfirmDialog
        opened={removing !== null}
        title="Remove this budget cap?"
        confirmLabel="Remove cap"
        loading={remove.isPending}
        error={remove.error}
        onCancel={() => {
          setRemoving(null);
          remove.reset();
        }}
        onConfirm={() => removing && remove.mutate(removing.id, { onSuccess: () => setRemoving(null) })}
      >
        {removing
          ? `The ${removing.period === "day" ? "daily" : "monthly"} cap of ${usd(removing.capUsd)} on ${removing.scope} ${removing.subjectName} will be removed; its bots' decisions no longer consider it.`
          : ""}
      </ConfirmDialog>
    </Stack>
  );
}
