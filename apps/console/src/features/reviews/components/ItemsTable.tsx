import type { TAccessReviewItemSummary } from "@bridle/contracts";
import { Badge, Table, Text } from "@mantine/core";
import { AnchorLink } from "../../../components/links.tsx";
import { day, itemState } from "../labels.ts";

/** Review items: bot (links to the item), campaign, reviewer (who decided, else the owner or the admins), due date, state. */
export function ItemsTable({ items, label, showCampaign = true }: { items: TAccessReviewItemSummary[]; label: string; showCampaign?: boolean }) {
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table striped highlightOnHover verticalSpacing="sm" aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Bot</Table.Th>
            {showCampaign && <Table.Th>Campaign</Table.Th>}
            <Table.Th>Reviewer</Table.Th>
            <Table.Th>Due</Table.Th>
            <Table.Th>State</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((item) => {
            const state = itemState(item);
            return (
              <Table.Tr key={item.id}>
                <Table.Td>
                  <AnchorLink to="/reviews/items/$itemId" params={{ itemId: item.id }} fw={500}>
                    {item.bot}
                  </AnchorLink>
                </Table.Td>
                {showCampaign && <Table.Td>{item.campaign}</Table.Td>}
                <Table.Td>
                  <Text size="sm">{item.decidedBy ?? (item.assignedTo === "admins" ? "Admins (no active owner)" : (item.owner ?? "—"))}</Text>
                </Table.Td>
                <Table.Td>{day(item.dueAt)}</Table.Td>
                <Table.Td>
                  <Badge color={state.color} variant="light">
                    {state.label}
                  </Badge>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
