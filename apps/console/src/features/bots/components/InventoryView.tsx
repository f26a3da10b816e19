import { Alert, Button, Code, Group, Loader, Paper, Stack, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useNavigate } from "@tanstack/react-router";
import type { ReactNode } from "react";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { errorMessage } from "../../../lib/api.ts";
import { canRegisterBot, useCan } from "../../auth/permissions.tsx";
import { useFindingKindTitles, useFindingsOverview } from "../../findings/queries.ts";
import { BotFormModal, botFormId } from "./BotFormModal.tsx";
import { useReopenKeptForm } from "../../../lib/kept-forms.ts";
import { BotTable } from "./BotTable.tsx";
import type { SortState } from "./BotTable.tsx";
import { InventoryFilters } from "./InventoryFilters.tsx";
import { useBotList } from "../queries.ts";
import { hasActiveFilters } from "../search.ts";
import type { BotSearch } from "../search.ts";

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

type Props = {
  title: string;
  description: string;
  /** The URL's filters (compact form). */
  search: BotSearch;
  onSearch: (patch: Partial<BotSearch>) => void;
  onReset: () => void;
  /** Filters the page always applies, not shown as choices (e.g. "My bots": owner = me). */
  fixed?: Partial<BotSearch>;
  /** What to say when nothing is registered at all (no filters). */
  emptyTitle: string;
  emptyDescription: string;
  emptyActionLabel: string;
};

/** The bot inventory: server-side filters, sort and search, 50 bots per page; shared by Inventory and My bots. */
export function InventoryView({ title, description, search, onSearch, onReset, fixed, emptyTitle, emptyDescription, emptyActionLabel }: Props) {
  const navigate = useNavigate();
  const can = useCan();
  const titleOf = useFindingKindTitles();
  const list = useBotList({ ...search, ...fixed });
  const [formOpened, form] = useDisclosure(false);
  // Re-opens the registration form a session end interrupted, with what was typed.
  useReopenKeptForm(botFormId(), form.open);
  const mayRegister = canRegisterBot(can);

  const sortState: SortState = { sort: search.sort ?? "name", order: search.order ?? "asc" };
  const bots = list.data?.pages.flatMap((page) => page.items) ?? [];
  const total = list.data?.pages.at(-1)?.total ?? 0;
  const filtered = hasActiveFilters(search);
  // The empty state brings its own register button; one is enough.
  const showsEmptyRegister = list.isSuccess && bots.length === 0 && !filtered;

  const registerButton = (label: string, variant: "filled" | "default"): ReactNode =>
    mayRegister ? (
      <Button variant={variant} onClick={form.open}>
        {label}
      </Button>
    ) : null;

  const body = () => {
    if (list.isPending) return <LoadingBlock label="Loading bots" />;
    if (list.isError && !list.data) return <ErrorBlock title="Could not load the inventory" error={list.error} onRetry={() => void list.refetch()} />;
    if (bots.length === 0) {
      return filtered ? (
        <EmptyBlock
          title="No bots match these filters"
          description="Try another search or clear the filters."
          action={
            <Button variant="default" onClick={onReset}>
              Clear all filters
            </Button>
          }
        />
      ) : (
        <EmptyBlock title={emptyTitle} description={emptyDescription} action={registerButton(emptyActionLabel, "default")} />
      );
    }
    return (
      <Stack gap="sm">
        <div style={{ opacity: list.isPlaceholderData ? 0.55 : 1, transition: "opacity 120ms" }} aria-busy={list.isPlaceholderData}>
          <BotTable bots={bots} sortState={sortState} onSort={(next) => onSearch(next)} titleOf={titleOf} />
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
      <PageHeader title={title} description={description} actions={showsEmptyRegister ? null : registerButton("Register bot", "filled")} />
      <Stack gap="md">
        <InventoryFilters search={search} onChange={onSearch} onReset={onReset} titleOf={titleOf} hideOwner={fixed?.owner !== undefined} />
        {search.finding && <FindingFilterNote search={search} />}
        <Group gap="xs" mih={20}>
          {list.data && (
            <Text size="sm" fw={500}>
              {total.toLocaleString("en-US")} {total === 1 ? "bot" : "bots"}
              {filtered ? " match" : fixed ? "" : " in the inventory"}
            </Text>
          )}
          {list.isFetching && !list.isFetchingNextPage && !list.isPending && <Loader size="xs" aria-label="Updating" />}
        </Group>
        {body()}
      </Stack>
      <BotFormModal opened={formOpened} onClose={form.close} onSaved={(bot) => void navigate({ to: "/bots/$botId", params: { botId: bot.id } })} />
    </>
  );
}
