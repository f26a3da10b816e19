import { ROTATION_DUE_REASON_LABELS, VAULT_KIND_LABELS, VAULT_KINDS, type TRotationItem } from "@bridle/contracts";
import { Badge, Button, Code, Group, Loader, Paper, SegmentedControl, Select, Stack, Table, Text, Title } from "@mantine/core";
import { getRouteApi } from "@tanstack/react-router";
import { DebouncedSearchInput } from "../../../components/DebouncedSearchInput.tsx";
import { AnchorLink } from "../../../components/links.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { formatDate } from "../../../lib/format.ts";
import { TeamFilter } from "../../directory/TeamFilter.tsx";
import { RotationCell, VaultCell } from "../components/badges.tsx";
import { useRotation } from "../queries.ts";
import { validateRotationSearch, type RotationSearch } from "../search.ts";

const route = getRouteApi("/rotation");

const groupKey = (item: TRotationItem, group: RotationSearch["group"]): string => {
  if (group === "bot") return item.bot.name;
  if (group === "team") return item.team?.name ?? "No team";
  if (group === "vault") return `${VAULT_KIND_LABELS[item.vault.kind]}${item.vault.name ? ` · ${item.vault.name}` : ""}`;
  return "";
};

function RotationTable({ items, label }: { items: TRotationItem[]; label: string }) {
  return (
    <Table.ScrollContainer minWidth={1000}>
      <Table aria-label={label} verticalSpacing="xs" withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Bot</Table.Th>
            <Table.Th>System</Table.Th>
            <Table.Th>Vault</Table.Th>
            <Table.Th>Reference</Table.Th>
            <Table.Th>Why</Table.Th>
            <Table.Th>Due</Table.Th>
            <Table.Th>Owner</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((item) => (
            <Table.Tr key={item.id} data-testid="rotation-row">
              <Table.Td>
                <AnchorLink to="/bots/$botId" params={{ botId: item.bot.id }} size="sm">
                  {item.bot.name}
                </AnchorLink>
                <Text size="xs" c="dimmed">
                  {item.team?.name ?? "No team"}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{item.systemName}</Text>
              </Table.Td>
              <Table.Td>
                <VaultCell vault={item.vault} />
              </Table.Td>
              <Table.Td>
                <Code style={{ wordBreak: "break-all" }}>{item.reference}</Code>
              </Table.Td>
              <Table.Td>
                <Text size="sm">
                  {item.status === "rotation_due" && item.rotationDueReason ? ROTATION_DUE_REASON_LABELS[item.rotationDueReason] : ROTATION_DUE_REASON_LABELS.interval}
                </Text>
              </Table.Td>
              <Table.Td>
                <RotationCell reference={item} />
              </Table.Td>
              <Table.Td>
                <Text size="sm">{item.owner?.displayName ?? "—"}</Text>
                <Text size="xs" c="dimmed">
                  last rotated {item.lastRotatedAt ? formatDate(item.lastRotatedAt) : "never"}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/**
 * The Rotation page: credential references due or overdue for rotation, soonest first, filtered
 * and grouped by bot, team and vault. Security, IT, admins and auditors see every bot's; owners
 * see their own. "Mark rotated" is on each bot's page.
 */
export function RotationPage() {
  const search = validateRotationSearch(route.useSearch());
  const navigate = route.useNavigate();
  const update = (patch: Partial<RotationSearch>) => void navigate({ search: (previous) => validateRotationSearch({ ...previous, ...patch }), replace: true });
  const query = useRotation({ state: search.state, bot: search.bot, team: search.team, vaultKind: search.vaultKind, vault: search.vault });
  const items = query.data?.items ?? [];
  const filtered = Boolean(search.state || search.bot || search.team || search.vaultKind || search.vault);

  const groups = new Map<string, TRotationItem[]>();
  for (const item of items) groups.set(groupKey(item, search.group), [...(groups.get(groupKey(item, search.group)) ?? []), item]);

  const body = () => {
    if (query.isPending) return <LoadingBlock label="Loading what is due" />;
    if (query.isError) return <ErrorBlock title="Could not load the rotation list" error={query.error} onRetry={() => void query.refetch()} />;
    if (items.length === 0)
      return filtered ? (
        <EmptyBlock
          title="Nothing due matches these filters"
          action={
            <Button variant="default" onClick={() => void navigate({ search: {}, replace: true })}>
              Clear filters
            </Button>
          }
        />
      ) : (
        <EmptyBlock title="Nothing is due for rotation" description="Credential references show up here when their rotation interval passes, when their bot changes owner or scope, or when a leak is suspected." />
      );
    if (!search.group) return <RotationTable items={items} label="Credential references due for rotation" />;
    return (
      <Stack gap="lg">
        {[...groups.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([name, list]) => (
            <Stack key={name} gap="xs" component="section" aria-label={name}>
              <Group gap="xs">
                <Title order={2} fz="h5">
                  {name}
                </Title>
                <Badge variant="default" radius="sm">
                  {list.length}
                </Badge>
              </Group>
              <RotationTable items={list} label={`Due for rotation: ${name}`} />
            </Stack>
          ))}
      </Stack>
    );
  };

  return (
    <>
      <PageHeader
        title="Rotation"
        description="Credential references due for rotation: their interval passed, their bot changed owner or scope, or a leak is suspected. Overdue means still not rotated a week after it became due."
      />
      <Stack gap="md">
        <Group gap="md" align="flex-end" wrap="wrap">
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              State
            </Text>
            <SegmentedControl
              aria-label="State"
              value={search.state ?? "all"}
              onChange={(v) => update({ state: v === "all" ? undefined : (v as "due" | "overdue") })}
              data={[
                { value: "all", label: `Due or overdue${query.data ? ` (${query.data.counts.due + query.data.counts.overdue})` : ""}` },
                { value: "due", label: `Due${query.data ? ` (${query.data.counts.due})` : ""}` },
                { value: "overdue", label: `Overdue${query.data ? ` (${query.data.counts.overdue})` : ""}` },
              ]}
            />
          </Stack>
          <TeamFilter value={search.team} onChange={(team) => update({ team })} />
          <Select
            label="Vault"
            placeholder="Any vault"
            data={VAULT_KINDS.map((k) => ({ value: k, label: VAULT_KIND_LABELS[k] }))}
            value={search.vaultKind ?? null}
            onChange={(v) => update({ vaultKind: (v ?? undefined) as RotationSearch["vaultKind"] })}
            clearable
            w={220}
          />
          <DebouncedSearchInput label="Vault name" placeholder="e.g. bots-prod" value={search.vault} onChange={(vault) => update({ vault })} width={180} />
          <Select
            label="Group by"
            placeholder="No grouping"
            data={[
              { value: "bot", label: "Bot" },
              { value: "team", label: "Team" },
              { value: "vault", label: "Vault" },
            ]}
            value={search.group ?? null}
            onChange={(v) => update({ group: (v ?? undefined) as RotationSearch["group"] })}
            clearable
            w={160}
          />
          {search.bot && (
            <Button variant="subtle" onClick={() => update({ bot: undefined })}>
              All bots
            </Button>
          )}
          {query.isFetching && !query.isPending && <Loader size="xs" aria-label="Updating" />}
        </Group>
        <Paper withBorder radius="md" p="md">
          {body()}
        </Paper>
      </Stack>
    </>
  );
}
