import { Alert, Button, Code, Group, Loader, Paper, Stack, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { getRouteApi } from "@tanstack/react-router";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { errorMessage } from "../../../lib/api.ts";
import { useFindingKindTitles, useFindingsOverview } from "../../findings/queries.ts";
import { BotFormModal } from "../components/BotFormModal.tsx";
import { BotTable } from "../components/BotTable.tsx";
import type { SortState } from "../components/BotTable.tsx";
import { InventoryFilters } from "../components/InventoryFilters.tsx";
import { useBotList } from "../queries.ts";
import { hasActiveFilters, validateBotSearch } from "../search.ts";
import type { BotSearch } from "../search.ts";

const route = getRouteApi("/bots");

function FindingFilterNote({ search }: { search: BotSearch }) {
  const overview = useFindingsOverview();
  const kind = overview.data?.kinds.find((entry) => entry.kind === search.finding);
  if (!kind) return null;
  return (
    <Paper withBorder p="sm" radius="md" bg="orange.0" data-testid="finding-filter-note">
      <Group gap="xs" mb={4}>
        <Text fw={600} size="sm">
          {kind.title}
        </Text>
        <Code>{kind.rule}</Code>
      </Group>
      <Text size="sm" c="dimmed">
        {kind.description}
      </Text>
    </Paper>
  );
}

/** The bot inventory: server-side filters, sort and search, 50 bots per page. */
export function InventoryPage() {
  // Compact (no undefined or unknown keys), so query keys and API parameters are canonical.
  const search = validateBotSearch(route.useSearch());
  const navigate = route.useNavigate();
  const titleOf = useFindingKindTitles();
  const list = useBotList(search);
  const [formOpened, form] = useDisclosure(false);

  const setSearch = (patch: Partial<BotSearch>) =>
    void navigate({ search: (previous) => validateBotSearch({ ...previous, ...patch }), replace: true });
  const resetFilters = () =>
    void navigate({ search: (previous) => validateBotSearch({ sort: previous.sort, order: previous.order }), replace: true });
  const sortState: SortState = { sort: search.sort ?? "name", order: search.order ?? "asc" };

  const bots = list.data?.pages.flatMap((page) => page.items) ?? [];
  const total = list.data?.pages.at(-1)?.total ?? 0;
  const filtered = hasActiveFilters(search);

  const body = () => {
    if (list.isPending) return <LoadingBlock label="Loading bots" />;
    if (list.isError && !list.data) return <ErrorBlock title="Could not load the inventory" error={list.error} onRetry={() => void list.refetch()} />;
    if (bots.length === 0) {
      return filtered ? (
        <EmptyBlock
          title="No bots match these filters"
          description="Try another search or clear the filters."
          action={<Button variant="default" onClick={resetFilters}>Clear all filters</Button>}
        />
      ) : (
        <EmptyBlock
          title="No bots registered yet"
          description="Register a bot, or import an inventory file."
          action={<Button variant="default" onClick={form.open}>Register the first bot</Button>}
        />
      );
    }
    return (
      <Stack gap="sm">
        <div style={{ opacity: list.isPlaceholderData ? 0.55 : 1, transition: "opacity 120ms" }} aria-busy={list.isPlaceholderData}>
          <BotTable bots={bots} sortState={sortState} onSort={(next) => setSearch(next)} titleOf={titleOf} />
        </div>
        {list.isFetchNextPageError && (
          <Alert color="red" variant="light" role="alert">
            Could not load more bots: {errorMessage(list.error)}
          </Alert>
        )}
        <Group justify="space-between">
          <Text size="sm" c="dimmed" data-testid="inventory-count" aria-live="polite">
            Showing {bots.length.toLocaleString("en-US")} of {total.toLocaleString("en-US")}
          </Text>
          {list.hasNextPage && (
            <Button variant="default" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
              Load more
            </Button>
          )}
        </Group>
      </Stack>
    );
  };

  return (
    <>
      <PageHeader
        title="Inventory"
        description="Every bot, who owns it, what it can reach and what is wrong with it."
        actions={<Button onClick={form.open}>Register bot</Button>}
      />
      <Stack gap="md">
        <InventoryFilters search={search} onChange={setSearch} onReset={resetFilters} titleOf={titleOf} />
        {search.finding && <FindingFilterNote search={search} />}
        <Group gap="xs" mih={20}>
          {list.data && (
            <Text size="sm" fw={500}>
              {total.toLocaleString("en-US")} {total === 1 ? "bot" : "bots"}
              {filtered ? " match" : " in the inventory"}
            </Text>
          )}
          {list.isFetching && !list.isFetchingNextPage && !list.isPending && <Loader size="xs" aria-label="Updating" />}
        </Group>
        {body()}
      </Stack>
      <BotFormModal
        opened={formOpened}
        onClose={form.close}
        onSaved={(bot) => void navigate({ to: "/bots/$botId", params: { botId: bot.id } })}
      />
    </>
  );
}
