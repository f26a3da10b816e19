import { Badge, Button, Group, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { getRouteApi } from "@tanstack/react-router";
import { useState } from "react";
import { AnchorLink } from "../../../components/links.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { errorMessage } from "../../../lib/api.ts";
import { RequirePermission } from "../../auth/permissions.tsx";
import { ItemsTable } from "../components/ItemsTable.tsx";
import { ProgressChart } from "../components/ProgressChart.tsx";
import { day } from "../labels.ts";
import { downloadEvidence, useReviewCampaign } from "../queries.ts";

const route = getRouteApi("/reviews/campaigns/$campaignId");

/** One campaign: its progress (a chart), every item, and the evidence pack (CSV, JSON) an auditor keeps. */
export function CampaignPage() {
  return (
    <RequirePermission permission="reviews.read_all">
      <Campaign />
    </RequirePermission>
  );
}

function Campaign() {
  const { campaignId } = route.useParams();
  const campaign = useReviewCampaign(campaignId);
  const [exporting, setExporting] = useState<"csv" | "json" | null>(null);

  if (campaign.isPending) return <LoadingBlock label="Loading the campaign" />;
  if (campaign.isError) return <ErrorBlock error={campaign.error} onRetry={() => void campaign.refetch()} />;
  const c = campaign.data;
  const exportAs = async (format: "csv" | "json") => {
    setExporting(format);
    try {
      const file = await downloadEvidence(c.id, format);
      notifications.show({ color: "teal", message: `Saved ${file}` });
    } catch (error) {
      notifications.show({ color: "red", title: "The evidence pack was not exported", message: errorMessage(error) });
    } finally {
      setExporting(null);
    }
  };

  return (
    <>
      <PageHeader
        above={
          <AnchorLink to="/reviews" size="sm">
            ← My reviews
          </AnchorLink>
        }
        title={c.name}
        description={`${c.team ? `Team ${c.team.name}` : "All bots"} · due ${day(c.dueAt)} · started ${day(c.startedAt)} by ${c.startedBy ?? "the schedule"} · unused grants looked for over ${c.lookbackDays} days`}
        actions={
          <>
            <Button variant="default" loading={exporting === "csv"} onClick={() => void exportAs("csv")}>
              Evidence pack (CSV)
            </Button>
            <Button variant="default" loading={exporting === "json"} onClick={() => void exportAs("json")}>
              Evidence pack (JSON)
            </Button>
          </>
        }
      />
      <SimpleGrid cols={{ base: 1, md: 2 }} mb="lg">
        <Paper withBorder p="md">
          <Stack gap="xs">
            <Group justify="space-between">
              <Title order={2} fz="h4">
                Progress
              </Title>
              <Badge color={c.status === "open" ? "blue" : "gray"} variant="light">
                {c.status === "open" ? "Open" : `Closed ${c.closedAt ? day(c.closedAt) : ""}`}
              </Badge>
            </Group>
            <Text size="sm" c="dimmed">
              {c.progress.decided} of {c.progress.total} decided
              {c.progress.overdue > 0 ? ` · ${c.progress.overdue} overdue` : ""}
            </Text>
            <ProgressChart progress={c.progress} />
          </Stack>
        </Paper>
      </SimpleGrid>
      {c.items.length === 0 ? (
        <EmptyBlock title="No bots in this campaign" description="The scope had no active or paused bot when it started." />
      ) : (
        <Paper withBorder p={0}>
          <ItemsTable items={c.items} label="Campaign items" showCampaign={false} />
        </Paper>
      )}
    </>
  );
}
