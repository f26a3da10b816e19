import { Group, Stack, Text } from "@mantine/core";
import { AnchorLink } from "../../../components/links.tsx";
import { ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { useBudgets, useUsage } from "../queries.ts";
import { BudgetBar } from "./BudgetsSection.tsx";
import { usd } from "./format.ts";

/** A bot's spend (this month, by month) and the caps that cover it (its own, its team's). */
export function BotSpendCard({ botId }: { botId: string }) {
  const usage = useUsage({ scope: "bot", id: botId, granularity: "month" });
  const budgets = useBudgets({ scope: "bot", subjectId: botId });
  if (usage.isPending || budgets.isPending) return <LoadingBlock label="Loading spend" />;
  if (usage.isError) return <ErrorBlock title="Could not load usage" error={usage.error} onRetry={() => void usage.refetch()} />;
  if (budgets.isError) return <ErrorBlock title="Could not load budgets" error={budgets.error} onRetry={() => void budgets.refetch()} />;
  const thisMonth = usage.data.series.at(-1);
  return (
    <Stack gap="sm" data-testid="bot-spend">
      <Group gap="lg">
        <div>
          <Text size="xs" c="dimmed">
            This month (UTC)
          </Text>
          <Text fw={600}>{usd(thisMonth?.costUsd ?? 0)}</Text>
        </div>
        <div>
          <Text size="xs" c="dimmed">
            Last 12 months
          </Text>
          <Text fw={600}>{usd(usage.data.totals.costUsd)}</Text>
        </div>
      </Group>
      {budgets.data.length === 0 ? (
        <Text size="sm" c="dimmed">
          No budget cap covers this bot.
        </Text>
      ) : (
        budgets.data.map((b) => (
          <Stack key={b.id} gap={2}>
            <Text size="sm" fw={500}>
              {b.scope === "team" ? `Team ${b.subjectName}` : "This bot"}: {b.period === "day" ? "daily" : "monthly"} cap
            </Text>
            <BudgetBar budget={b} />
          </Stack>
        ))
      )}
      <AnchorLink to="/usage" search={{ scope: "bot", id: botId }} size="sm">
        See this bot's usage
      </AnchorLink>
    </Stack>
  );
}
