import { Badge, Button, Group, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import { AnchorLink } from "../../../components/links.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { useCan } from "../../auth/permissions.tsx";
import { ItemsTable } from "../components/ItemsTable.tsx";
import { StartCampaignModal } from "../components/StartCampaignModal.tsx";
import { day } from "../labels.ts";
import { useMyReviewItems, useReviewCampaigns } from "../queries.ts";

/**
 * My reviews: the access review items of the bots I own (admins also see orphans' items), pending
 * first. Admins and auditors also see every campaign; admins start one here.
 */
export function MyReviewsPage() {
  const can = useCan();
  const items = useMyReviewItems();
  const readsAll = can("reviews.read_all");
  const campaigns = useReviewCampaigns(readsAll);
  const [starting, setStarting] = useState(false);
  const navigate = useNavigate();

  return (
    <>
      <PageHeader
        title="My reviews"
        description="Re-certify each bot you own: keep its access, reduce it, or offboard the bot. A review missed past its due date may pause the bot's gated actions."
        actions={can("reviews.manage") ? <Button onClick={() => setStarting(true)}>Start an access review</Button> : undefined}
      />
      {items.isPending ? (
        <LoadingBlock label="Loading your reviews" />
      ) : items.isError ? (
        <ErrorBlock error={items.error} onRetry={() => void items.refetch()} />
      ) : items.data.length === 0 ? (
        <EmptyBlock title="Nothing to review" description="When an access review campaign starts, each bot you own shows up here for you to decide." />
      ) : (
        <Paper withBorder p={0}>
          <ItemsTable items={items.data} label="My review items" />
        </Paper>
      )}

      {readsAll && (
        <Stack gap="sm" mt="xl">
          <Title order={2} fz="h3">
            Campaigns
          </Title>
          {campaigns.isPending ? (
            <LoadingBlock label="Loading campaigns" />
          ) : campaigns.isError ? (
            <ErrorBlock error={campaigns.error} onRetry={() => void campaigns.refetch()} />
          ) : campaigns.data.length === 0 ? (
            <EmptyBlock title="No campaign yet" description="Bridle starts one each quarter by itself (Org policy), or an admin starts one now." />
          ) : (
            <Paper withBorder p={0}>
              <Table striped highlightOnHover verticalSpacing="sm" aria-label="Campaigns">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Campaign</Table.Th>
                    <Table.Th>Bots</Table.Th>
                    <Table.Th>Due</Table.Th>
                    <Table.Th>Decided</Table.Th>
                    <Table.Th>Status</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {campaigns.data.map((c) => (
                    <Table.Tr key={c.id}>
                      <Table.Td>
                        <AnchorLink to="/reviews/campaigns/$campaignId" params={{ campaignId: c.id }} fw={500}>
                          {c.name}
                        </AnchorLink>
                      </Table.Td>
                      <Table.Td>{c.team ? `Team ${c.team.name}` : "All bots"}</Table.Td>
                      <Table.Td>{day(c.dueAt)}</Table.Td>
                      <Table.Td>
                        <Group gap="xs">
                          <Text size="sm">
                            {c.progress.decided} of {c.progress.total}
                          </Text>
                          {c.progress.overdue > 0 && (
                            <Badge color="red" variant="light">
                              {c.progress.overdue} overdue
                            </Badge>
                          )}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <Badge color={c.status === "open" ? "blue" : "gray"} variant="light">
                          {c.status === "open" ? "Open" : "Closed"}
                        </Badge>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Paper>
          )}
        </Stack>
      )}
      {starting && (
        <StartCampaignModal
          opened
          onClose={() => setStarting(false)}
          onStarted={(id) => {
            setStarting(false);
            void navigate({ to: "/reviews/campaigns/$campaignId", params: { campaignId: id } });
          }}
        />
      )}
    </>
  );
}
