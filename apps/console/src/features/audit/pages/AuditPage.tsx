import { Alert, Button, Group, Loader, Paper, Stack, Text } from "@mantine/core";
import { useIntersection } from "@mantine/hooks";
import { getRouteApi } from "@tanstack/react-router";
import { useEffect } from "react";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { errorMessage, isMissingEndpoint } from "../../../lib/api.ts";
import { RequirePermission } from "../../auth/permissions.tsx";
import { AuditFilters } from "../components/AuditFilters.tsx";
import { ExportButton } from "../components/ExportButton.tsx";
import { VerifyButton } from "../components/VerifyButton.tsx";
import { AuditTimeline } from "../components/AuditTimeline.tsx";
import { useAuditList } from "../queries.ts";
import { hasAuditFilters, validateAuditSearch } from "../search.ts";
import type { AuditSearch } from "../search.ts";

const route = getRouteApi("/audit");

/** The audit log (`audit.read`: auditors, security, admins): every change and refused attempt, newest first. */
export function AuditPage() {
  return (
    <RequirePermission permission="audit.read">
      <AuditLog />
    </RequirePermission>
  );
}

function AuditLog() {
  const search = validateAuditSearch(route.useSearch());
  const navigate = route.useNavigate();
  const list = useAuditList(search);

  const update = (patch: Partial<AuditSearch>) => void navigate({ search: (previous) => validateAuditSearch({ ...previous, ...patch }), replace: true });
  const reset = () => void navigate({ search: {}, replace: true });

  const events = list.data?.pages.flatMap((page) => page.items) ?? [];
  // Scrolling to the end loads older events (infinite scroll); "Load older events" does the same by hand.
  const { ref: endRef, entry } = useIntersection({ rootMargin: "200px" });
  const atEnd = entry?.isIntersecting ?? false;
  useEffect(() => {
    if (atEnd && list.hasNextPage && !list.isFetchingNextPage && !list.isFetchNextPageError) void list.fetchNextPage();
  }, [atEnd, list.hasNextPage, list.isFetchingNextPage, list.isFetchNextPageError]);
  const filtered = hasAuditFilters(search);

  const body = () => {
    if (list.isPending) return <LoadingBlock label="Loading the audit log" />;
    if (list.isError && !list.data) {
      return (
        <ErrorBlock
          title={isMissingEndpoint(list.error) ? "The audit log is not available on this server" : "Could not load the audit log"}
          error={list.error}
          onRetry={() => void list.refetch()}
        />
      );
    }
    if (events.length === 0) {
      return filtered ? (
        <EmptyBlock
          title="No audit events match these filters"
          description="Widen the time range or clear a filter."
          action={
            <Button variant="default" onClick={reset}>
              Clear filters
            </Button>
          }
        />
      ) : (
        <EmptyBlock title="No audit events yet" description="Every change and every refused attempt is recorded here, in the same transaction as the change." />
      );
    }
    return (
      <Stack gap="sm">
        <div style={{ opacity: list.isPlaceholderData ? 0.55 : 1, transition: "opacity 120ms" }} aria-busy={list.isPlaceholderData}>
          <AuditTimeline events={events} />
        </div>
        {list.isFetchNextPageError && (
          <Alert color="red" variant="light" role="alert">
            Could not load more events: {errorMessage(list.error)}
          </Alert>
        )}
        <Group justify="space-between" ref={endRef}>
          <Text size="sm" c="dimmed" aria-live="polite">
            Showing {events.length.toLocaleString("en-US")} {events.length === 1 ? "event" : "events"}
            {list.hasNextPage ? ", newest first" : ": all that match"}
          </Text>
          {list.hasNextPage && (
            <Button variant="default" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
              Load older events
            </Button>
          )}
        </Group>
      </Stack>
    );
  };

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Who did what, to what, when and from where: every change and every refused attempt, recorded in the same transaction as the change. Times are UTC."
        actions={
          <Group gap="sm" wrap="nowrap">
            <VerifyButton />
            <ExportButton search={search} />
          </Group>
        }
      />
      <Stack gap="md">
        <AuditFilters search={search} onChange={update} onReset={reset} />
        <Group gap="xs" mih={20}>
          {list.isFetching && !list.isFetchingNextPage && !list.isPending && <Loader size="xs" aria-label="Updating" />}
        </Group>
        <Paper withBorder radius="md" p="md">
          {body()}
        </Paper>
      </Stack>
    </>
  );
}
