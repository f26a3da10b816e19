import { Paper, Progress, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { AnchorLink } from "../../../components/links.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { FindingKindCard } from "../components/FindingKindCard.tsx";
import { FindingsChart } from "../components/FindingsChart.tsx";
import { useFindingsOverview } from "../queries.ts";

/** Findings across the inventory, per kind, each linking to the bots that have it. */
export function FindingsOverviewPage() {
  const overview = useFindingsOverview();

  const body = () => {
    if (overview.isPending) return <LoadingBlock label="Loading findings" />;
    if (overview.isError) return <ErrorBlock title="Could not load findings" error={overview.error} onRetry={() => void overview.refetch()} />;
    const { totalBots, botsWithFindings, kinds } = overview.data;
    if (totalBots === 0) {
      return (
        <EmptyBlock
          title="No bots yet"
          description="Findings appear once bots are registered or imported."
          action={
            <AnchorLink to="/inventory">
              Import an inventory
            </AnchorLink>
          }
        />
      );
    }
    const share = totalBots === 0 ? 0 : Math.round((botsWithFindings / totalBots) * 100);
    return (
      <Stack gap="lg">
        <Paper withBorder radius="md" p="lg" data-testid="findings-summary">
          <Text fw={600} size="lg">
            {botsWithFindings.toLocaleString("en-US")} of {totalBots.toLocaleString("en-US")} bots have findings
          </Text>
          <Progress value={share} color={botsWithFindings > 0 ? "orange" : "teal"} size="lg" radius="xl" mt="sm" aria-label={`${share}% of bots have findings`} />
          <Text size="sm" c="dimmed" mt="xs">
            {share}% of the inventory.{" "}
            <AnchorLink to="/bots" search={{ hasFindings: "true", sort: "findingCount", order: "desc" }} size="sm">
              See bots with findings
            </AnchorLink>
          </Text>
        </Paper>
        {kinds.length === 0 ? (
          <EmptyBlock title="No finding kinds" description="The server reported no rules." />
        ) : (
          <>
            <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="md">
              {kinds.map((kind) => (
                <FindingKindCard key={kind.kind} kind={kind} />
              ))}
            </SimpleGrid>
            <Paper withBorder radius="md" p="lg">
              <Title order={2} fz="h4" mb="md">
                Bots per finding kind
              </Title>
              <FindingsChart kinds={kinds} />
            </Paper>
          </>
        )}
      </Stack>
    );
  };

  return (
    <>
      <PageHeader title="Findings" description="What the org rules find across the inventory. Open a kind to see its bots." />
      {body()}
    </>
  );
}
