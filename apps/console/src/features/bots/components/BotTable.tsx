import type { TBotSummary, TFindingKind } from "@bridle/contracts";
import { Badge, Group, Stack, Table, Text, Tooltip, UnstyledButton } from "@mantine/core";
import { AnchorLink } from "../../../components/links.tsx";
import { formatDate, isPast } from "../../../lib/format.ts";
import type { BotSort } from "../search.ts";
import { DataAccessBadge, EnvironmentBadge, FindingCountBadge, StatusBadge } from "./badges.tsx";
import { SortIcon } from "./SortIcon.tsx";
import { HaltedBadge } from "../../kill-switch/components/HaltedBadge.tsx";

export type SortState = { sort: BotSort; order: "asc" | "desc" };

type Column = { key: string; label: string; sort?: BotSort; wrap?: boolean };

const COLUMNS: Column[] = [
  { key: "name", label: "Name", sort: "name" },
  // Findings sit next to the name so they stay in view when the table scrolls sideways.
  { key: "findings", label: "Findings", sort: "findingCount" },
  { key: "owner", label: "Owner", sort: "owner" },
  { key: "team", label: "Team", sort: "team" },
  { key: "environment", label: "Environment", sort: "environment" },
  { key: "status", label: "Status", sort: "status" },
  { key: "internalDataAccess", label: "Internal data access", wrap: true },
  { key: "channels", label: "Channels" },
  { key: "lastReviewedAt", label: "Last review", sort: "lastReviewedAt" },
];

const MAX_CHANNELS = 3;

function SortableHeader({ column, state, onSort }: { column: Column; state: SortState; onSort: (next: SortState) => void }) {
  if (!column.sort) {
    return (
      <Table.Th fz="xs" style={column.wrap ? { whiteSpace: "normal", minWidth: 90 } : undefined}>
        {column.label}
      </Table.Th>
    );
  }
  const active = state.sort === column.sort;
  const direction = active ? state.order : null;
  const next = (): SortState => {
    if (active) return { sort: state.sort, order: state.order === "asc" ? "desc" : "asc" };
    // Most findings first is the useful first click; everything else starts ascending.
    return { sort: column.sort as BotSort, order: column.sort === "findingCount" ? "desc" : "asc" };
  };
  return (
    <Table.Th aria-sort={direction === "asc" ? "ascending" : direction === "desc" ? "descending" : "none"}>
      <UnstyledButton onClick={() => onSort(next())} fw={700} fz="xs" title={`Sort by ${column.label.toLowerCase()}`}>
        <Group gap={4} wrap="nowrap">
          <span>{column.label}</span>
          <SortIcon direction={direction} />
        </Group>
      </UnstyledButton>
    </Table.Th>
  );
}

function OwnerCell({ owner }: { owner: TBotSummary["owner"] }) {
  if (!owner) {
    return (
      <Badge color="red" variant="light" radius="sm">
        No owner
      </Badge>
    );
  }
  const deactivated = owner.status === "deactivated";
  return (
    <Stack gap={0} maw={190}>
      <Group gap={6} wrap="nowrap">
        <Text size="sm" td={deactivated ? "line-through" : undefined} c={deactivated ? "dimmed" : undefined}>
          {owner.displayName}
        </Text>
        {deactivated && (
          <Tooltip label="This owner has left the organization: transfer or offboard the bot" withArrow>
            <Badge color="red" variant="light" size="xs" radius="sm">
              Deactivated
            </Badge>
          </Tooltip>
        )}
      </Group>
      <Text size="xs" c="dimmed" truncate title={owner.email}>
        {owner.email}
      </Text>
    </Stack>
  );
}

function ChannelsCell({ channels }: { channels: string[] }) {
  if (channels.length === 0) return <Text size="sm" c="dimmed">None</Text>;
  const shown = channels.slice(0, MAX_CHANNELS);
  const rest = channels.length - shown.length;
  return (
    <Group gap={4}>
      {shown.map((channel) => (
        <Badge key={channel} variant="default" radius="sm" tt="none" fw={500}>
          {channel}
        </Badge>
      ))}
      {rest > 0 && (
        <Tooltip label={channels.slice(MAX_CHANNELS).join(", ")} withArrow>
          <Badge variant="default" radius="sm">
            +{rest}
          </Badge>
        </Tooltip>
      )}
    </Group>
  );
}

export function BotTable({
  bots,
  sortState,
  onSort,
  titleOf,
}: {
  bots: TBotSummary[];
  sortState: SortState;
  onSort: (next: SortState) => void;
  titleOf: (kind: TFindingKind) => string;
}) {
  return (
    // A bounded scroll box keeps the header sticky and "Load more" in reach however many pages are loaded.
    <Table.ScrollContainer minWidth={1100} maxHeight="max(420px, calc(100vh - 320px))" type="native">
      <Table striped highlightOnHover stickyHeader verticalSpacing="xs" aria-label="Bot inventory" className="bridle-bot-table">
        <Table.Thead>
          <Table.Tr>
            {COLUMNS.map((column) => (
              <SortableHeader key={column.key} column={column} state={sortState} onSort={onSort} />
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {bots.map((bot) => (
            <Table.Tr key={bot.id}>
              <Table.Td>
                <AnchorLink to="/bots/$botId" params={{ botId: bot.id }} fw={600} size="sm" style={{ whiteSpace: "nowrap" }}>
                  {bot.name}
                </AnchorLink>
                <Text size="xs" c="dimmed" truncate maw={200} title={bot.purpose}>
                  {bot.purpose}
                </Text>
              </Table.Td>
              <Table.Td>
                <FindingCountBadge bot={bot} titleOf={titleOf} />
              </Table.Td>
              <Table.Td>
                <OwnerCell owner={bot.owner} />
              </Table.Td>
              <Table.Td>
                <Text size="sm">{bot.team?.name ?? "—"}</Text>
              </Table.Td>
              <Table.Td>
                <EnvironmentBadge environment={bot.environment} />
              </Table.Td>
              <Table.Td>
                <Group gap={4} wrap="nowrap">
                  <StatusBadge status={bot.status} />
                  <HaltedBadge botId={bot.id} />
                </Group>
              </Table.Td>
              <Table.Td>
                <DataAccessBadge level={bot.internalDataAccess} />
              </Table.Td>
              <Table.Td>
                <ChannelsCell channels={bot.channels} />
              </Table.Td>
              <Table.Td>
                <Text size="sm" style={{ whiteSpace: "nowrap" }}>
                  {formatDate(bot.lastReviewedAt)}
                </Text>
                {isPast(bot.nextReviewDue) && (
                  <Text size="xs" c="red">
                    Review overdue
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
