import type { TSkill } from "@bridle/contracts";
import { Alert, Button, Group, Loader, Paper, SegmentedControl, Stack, Table, Text } from "@mantine/core";
import { getRouteApi } from "@tanstack/react-router";
import { useState } from "react";
import { DebouncedSearchInput } from "../../../components/DebouncedSearchInput.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { errorMessage } from "../../../lib/api.ts";
import { formatDate, plural } from "../../../lib/format.ts";
import { useCan } from "../../auth/permissions.tsx";
import { SkillSource, SkillStateBadge } from "../components/SkillBadges.tsx";
import { SkillFormModal } from "../components/SkillFormModal.tsx";
import { SkillReviewModal } from "../components/SkillReviewModal.tsx";
import { useSkillList } from "../queries.ts";
import { validateSkillRouteSearch, type SkillSearch } from "../search.ts";

const route = getRouteApi("/skills");
const STATUS_FILTERS = [
  { value: "all", label: "All" },
  { value: "pending", label: "Pending review" },
  { value: "approved", label: "Approved" },
  { value: "rejected", label: "Rejected" },
];

/**
 * The skills and plugins registry: every version bots may name in their allowed tools, its source,
 * owner and review. Admins and security register versions; security reviews them.
 */
export function SkillsPage() {
  const search = validateSkillRouteSearch(route.useSearch());
  const navigate = route.useNavigate();
  const list = useSkillList(search);
  const can = useCan();
  const canManage = can("skills.manage");
  const canReview = can("skills.review");
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<TSkill | null>(null);
  const [reviewing, setReviewing] = useState<TSkill | null>(null);

  const setSearch = (patch: Partial<SkillSearch>) => void navigate({ search: (previous) => validateSkillRouteSearch({ ...previous, ...patch }), replace: true });
  const skills = list.data?.pages.flatMap((page) => page.items) ?? [];
  const filtered = search.q !== undefined || search.status !== undefined;
  const addButton = canManage ? <Button onClick={() => setAdding(true)}>Register a skill</Button> : null;

  const body = () => {
    if (list.isPending) return <LoadingBlock label="Loading the skills registry" />;
    if (list.isError && !list.data) return <ErrorBlock title="Could not load the skills registry" error={list.error} onRetry={() => void list.refetch()} />;
    if (skills.length === 0)
      return filtered ? (
        <EmptyBlock
          title="No skill matches these filters"
          description="Try another search or status."
          action={
            <Button variant="default" onClick={() => void navigate({ search: {}, replace: true })}>
              Clear the filters
            </Button>
          }
        />
      ) : (
        <EmptyBlock
          title="The registry is empty"
          description={
            canManage
              ? "Register each skill and plugin your bots use, at the exact version they run; security reviews each version before bots may use it."
              : "Admins and security register the skills and plugins bots may use. Until then, every tool a bot lists raises a finding."
          }
          action={addButton}
        />
      );
    return (
      <Stack gap="sm">
        <Paper withBorder radius="md" style={{ opacity: list.isPlaceholderData ? 0.55 : 1 }} aria-busy={list.isPlaceholderData}>
          <Table.ScrollContainer minWidth={860}>
            <Table striped highlightOnHover verticalSpacing="sm" aria-label="Skills registry">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Skill</Table.Th>
                  <Table.Th miw={140}>Status</Table.Th>
                  <Table.Th>Owner</Table.Th>
                  <Table.Th>Reviewed</Table.Th>
                  <Table.Th style={{ whiteSpace: "nowrap" }}>Used by</Table.Th>
                  {(canManage || canReview) && <Table.Th aria-label="Actions" />}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {skills.map((s) => (
                  <Table.Tr key={s.id} data-testid="skill-row" data-ref={s.ref}>
                    <Table.Td>
                      <Text fw={600} size="sm" ff="monospace">
                        {s.ref}
                      </Text>
                      <SkillSource source={s.source} />
                      {s.notes && (
                        <Text size="xs" c="dimmed" lineClamp={2}>
                          {s.notes}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <SkillStateBadge state={s.status} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{s.owner ? s.owner.displayName : "—"}</Text>
                    </Table.Td>
                    <Table.Td>
                      {s.reviewedBy ? (
                        <>
                          <Text size="sm">{s.reviewedBy.displayName}</Text>
                          <Text size="xs" c="dimmed">
                            {formatDate(s.reviewedAt)}
                          </Text>
                          {s.reviewNote && (
                            <Text size="xs" c="dimmed" lineClamp={2}>
                              {s.reviewNote}
                            </Text>
                          )}
                        </>
                      ) : (
                        <Text size="sm" c="dimmed">
                          Not yet
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: "nowrap" }}>
                      <Text size="sm">{s.usedBy ? plural(s.usedBy, "bot") : "No bot"}</Text>
                    </Table.Td>
                    {(canManage || canReview) && (
                      <Table.Td>
                        <Group gap="xs" justify="flex-end" wrap="nowrap">
                          {canReview && (
                            <Button size="xs" variant={s.status === "pending" ? "filled" : "default"} onClick={() => setReviewing(s)} aria-label={`Review ${s.ref}`}>
                              Review
                            </Button>
                          )}
                          {canManage && (
                            <Button size="xs" variant="default" onClick={() => setEditing(s)} aria-label={`Edit ${s.ref}`}>
                              Edit
                            </Button>
                          )}
                        </Group>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
        {list.isFetchNextPageError && (
          <Alert color="red" variant="light" role="alert">
            Could not load more skills: {errorMessage(list.error)}
          </Alert>
        )}
        <Group justify="space-between">
          <Text size="sm" c="dimmed" aria-live="polite">
            Showing {plural(skills.length, "version")}
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
      <PageHeader
        title="Skills"
        description="The skills and plugins bots may use, each at an exact version. A bot whose allowed tools name anything not approved here gets a finding."
        // An empty registry offers the button in its empty state instead.
        actions={skills.length > 0 || filtered ? addButton : null}
      />
      <Stack gap="md">
        <Group justify="space-between" align="flex-end">
          <Group align="flex-end">
            <DebouncedSearchInput value={search.q} onChange={(q) => setSearch({ q })} placeholder="Name or source" />
            <SegmentedControl
              aria-label="Review status"
              data={STATUS_FILTERS}
              value={search.status ?? "all"}
              onChange={(value) => setSearch({ status: value === "all" ? undefined : (value as SkillSearch["status"]) })}
            />
          </Group>
          {list.isFetching && !list.isFetchingNextPage && !list.isPending && <Loader size="xs" aria-label="Updating" />}
        </Group>
        {body()}
      </Stack>
      <SkillFormModal opened={adding || editing !== null} skill={editing} onClose={() => (setAdding(false), setEditing(null))} />
      <SkillReviewModal skill={reviewing} onClose={() => setReviewing(null)} />
    </>
  );
}
