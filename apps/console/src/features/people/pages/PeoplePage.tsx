import { Alert, Button, Group, Loader, Stack, Text } from "@mantine/core";
import { getRouteApi } from "@tanstack/react-router";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { errorMessage } from "../../../lib/api.ts";
import { PeopleFilters } from "../components/PeopleFilters.tsx";
import { PeopleTable } from "../components/PeopleTable.tsx";
import { usePeopleList } from "../queries.ts";
import { hasPeopleFilters, validatePeopleSearch } from "../search.ts";
import type { PeopleSearch } from "../search.ts";

const route = getRouteApi("/people");

/** Everyone in the org, as SCIM or an admin provisioned them: status, roles, team, manager, bots, last sign-in. */
export function PeoplePage() {
  const search = validatePeopleSearch(route.useSearch());
  const navigate = route.useNavigate();
  const list = usePeopleList(search);

  const setSearch = (patch: Partial<PeopleSearch>) =>
    void navigate({ search: (previous) => validatePeopleSearch({ ...previous, ...patch }), replace: true });
  const resetFilters = () => void navigate({ search: {}, replace: true });

  const people = list.data?.pages.flatMap((page) => page.items) ?? [];
  const filtered = hasPeopleFilters(search);

  const body = () => {
    if (list.isPending) return <LoadingBlock label="Loading people" />;
    if (list.isError && !list.data) return <ErrorBlock title="Could not load people" error={list.error} onRetry={() => void list.refetch()} />;
    if (people.length === 0) {
      return filtered ? (
        <EmptyBlock
          title="No one matches these filters"
          description="Try another search or clear the filters."
          action={
            <Button variant="default" onClick={resetFilters}>
              Clear all filters
            </Button>
          }
        />
      ) : (
        <EmptyBlock title="No people yet" description="People arrive from your identity provider through SCIM, or on their first SSO sign-in." />
      );
    }
    return (
      <Stack gap="sm">
        <div style={{ opacity: list.isPlaceholderData ? 0.55 : 1, transition: "opacity 120ms" }} aria-busy={list.isPlaceholderData}>
          <PeopleTable people={people} />
        </div>
        {list.isFetchNextPageError && (
          <Alert color="red" variant="light" role="alert">
            Could not load more people: {errorMessage(list.error)}
          </Alert>
        )}
        <Group justify="space-between">
          <Text size="sm" c="dimmed" data-testid="people-count" aria-live="polite">
            Showing {people.length.toLocaleString("en-US")} {people.length === 1 ? "person" : "people"}
            {list.hasNextPage ? " (more to load)" : ""}
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
      <PageHeader title="People" description="Everyone who can own bots, their roles, and how they came to be here." />
      <Stack gap="md">
        <Group justify="space-between" align="flex-end">
          <PeopleFilters search={search} onChange={setSearch} onReset={resetFilters} />
          {list.isFetching && !list.isFetchingNextPage && !list.isPending && <Loader size="xs" aria-label="Updating" />}
        </Group>
        {body()}
      </Stack>
    </>
  );
}
