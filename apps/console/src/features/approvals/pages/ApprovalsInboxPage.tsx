import { APPROVAL_STATUSES } from "@bridle/contracts";
import { Alert, Button, Group, Loader, Paper, Stack, Tabs, Text } from "@mantine/core";
import { getRouteApi } from "@tanstack/react-router";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { errorMessage, isMissingEndpoint } from "../../../lib/api.ts";
import { ApprovalFilters } from "../components/ApprovalFilters.tsx";
import { ApprovalTable } from "../components/ApprovalTable.tsx";
import { STATUS_LABELS } from "../labels.ts";
import { useApprovalList } from "../queries.ts";
import { hasActiveFilters, statusOf, validateApprovalSearch } from "../search.ts";
import type { ApprovalSearch, ApprovalStatusTab } from "../search.ts";

const route = getRouteApi("/approvals");

const STATUS_TABS: { value: ApprovalStatusTab; label: string }[] = [
  ...APPROVAL_STATUSES.map((value) => ({ value, label: STATUS_LABELS[value] })),
  { value: "all", label: "All" },
];

/**
 * The approvals inbox: pending requests first (security, IT and admins decide them; owners see
 * their own), filtered by status, kind, bot, team, age and "Mine".
 */
export function ApprovalsInboxPage() {
  const search = validateApprovalSearch(route.useSearch());
  const navigate = route.useNavigate();
  const status = statusOf(search);
  const list = useApprovalList(search);

  const update = (patch: Partial<ApprovalSearch>) =>
    void navigate({ search: (previous) => validateApprovalSearch({ ...previous, ...patch }), replace: true });
  const reset = () => void navigate({ search: (previous) => validateApprovalSearch({ status: previous.status }), replace: true });

  const requests = list.data?.pages.flatMap((page) => page.items) ?? [];
  const total = list.data?.pages.at(-1)?.total ?? 0;
  const filtered = hasActiveFilters(search);

  const body = () => {
    if (list.isPending) return <LoadingBlock label="Loading approval requests" />;
    if (list.isError && !list.data) {
      const missing = isMissingEndpoint(list.error);
      return (
        <ErrorBlock
          title={missing ? "The approvals inbox is not available on this server" : "Could not load approval requests"}
          error={list.error}
          onRetry={() => void list.refetch()}
        />
      );
    }
    if (requests.length === 0) {
      if (filtered) {
        return (
          <EmptyBlock
            title="No requests match these filters"
            description="Try another status or clear the filters."
            action={
              <Button variant="default" onClick={reset}>
                Clear filters
              </Button>
            }
          />
        );
      }
      return status === "pending" ? (
        <EmptyBlock title="No pending requests" description="Nothing is waiting for a decision. New scope expansions, Golden Rule exceptions, ownership transfers and gated actions show up here." />
      ) : (
        <EmptyBlock title={status === "all" ? "No approval requests yet" : `No ${STATUS_LABELS[status].toLowerCase()} requests`} />
      );
    }
    return (
      <Stack gap="sm">
        <div style={{ opacity: list.isPlaceholderData ? 0.55 : 1, transition: "opacity 120ms" }} aria-busy={list.isPlaceholderData}>
          <ApprovalTable requests={requests} showStatus={status === "all"} />
        </div>
        {list.isFetchNextPageError && (
          <Alert color="red" variant="light" role="alert">
            Could not load more requests: {errorMessage(list.error)}
          </Alert>
        )}
        <Group justify="space-between">
          <Text size="sm" c="dimmed" aria-live="polite">
            Showing {requests.length.toLocaleString("en-US")} of {total.toLocaleString("en-US")}
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
        title="Approvals"
        description="Scope expansions, Golden Rule exceptions, ownership transfers and gated actions waiting for a human decision. A requester never approves their own request."
      />
      <Stack gap="md">
        <Tabs value={status} onChange={(value) => value && update({ status: value === "pending" ? undefined : (value as ApprovalStatusTab) })}>
          <Tabs.List aria-label="Status">
            {STATUS_TABS.map((tab) => (
              <Tabs.Tab key={tab.value} value={tab.value}>
                {tab.label}
              </Tabs.Tab>
            ))}
          </Tabs.List>
        </Tabs>
        <ApprovalFilters search={search} onChange={update} onReset={reset} />
        <Group gap="xs" mih={20}>
          {list.data && (
            <Text size="sm" fw={500}>
              {total.toLocaleString("en-US")} {total === 1 ? "request" : "requests"}
            </Text>
          )}
          {list.isFetching && !list.isFetchingNextPage && !list.isPending && <Loader size="xs" aria-label="Updating" />}
        </Group>
        <Paper withBorder radius="md" p="md">
          {body()}
        </Paper>
      </Stack>
    </>
  );
}
