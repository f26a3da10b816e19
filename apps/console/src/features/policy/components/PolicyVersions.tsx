import { Badge, Button, Code, Group, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { useState } from "react";
import { ConfirmDialog } from "../../../components/ConfirmDialog.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { formatDateTime } from "../../../lib/format.ts";
import { useCan } from "../../auth/permissions.tsx";
import { usePolicyVersion, usePolicyVersions, useRollback, type VersionKind } from "../versions.ts";

const show = (v: unknown) => (v === null || v === undefined ? "(none)" : typeof v === "string" ? v : JSON.stringify(v));

/** The diff of one version against the one kept before it: each field (or action) before and after. */
function VersionDiff({ kind, version }: { kind: VersionKind; version: number }) {
  const detail = usePolicyVersion(kind, version);
  if (detail.isPending) return <LoadingBlock label="Loading the diff" />;
  if (detail.isError) return <ErrorBlock title="Could not load this version" error={detail.error} onRetry={() => void detail.refetch()} />;
  const entries = Object.entries(detail.data.diff);
  if (detail.data.previousVersion === null) return <Text size="sm" c="dimmed">The first kept version: nothing to compare with.</Text>;
  if (entries.length === 0) return <Text size="sm" c="dimmed">Same content as version {detail.data.previousVersion}.</Text>;
  return (
    <Table aria-label={`Changes in version ${version}`} withTableBorder>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{kind === "policy" ? "Field" : "Action"}</Table.Th>
          <Table.Th>Version {detail.data.previousVersion}</Table.Th>
          <Table.Th>Version {version}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {entries.map(([field, change]) => (
          <Table.Tr key={field}>
            <Table.Td>{field}</Table.Td>
            <Table.Td>
              <Code block>{show(change.before)}</Code>
            </Table.Td>
            <Table.Td>
              <Code block>{show(change.after)}</Code>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/**
 * Kept versions of the org policy or of the gated-action rules: who saved each, when, the diff
 * against the one before, and (admins) Roll back, with a confirmation; rolling back makes a new version.
 */
export function PolicyVersions({ kind }: { kind: VersionKind }) {
  const can = useCan();
  const versions = usePolicyVersions(kind);
  const rollback = useRollback(kind);
  const [open, setOpen] = useState<number | null>(null);
  const [confirm, setConfirm] = useState<number | null>(null);
  const latest = versions.data?.[0]?.version;

  const body = () => {
    if (versions.isPending) return <LoadingBlock label="Loading versions" />;
    if (versions.isError) return <ErrorBlock title="Could not load the versions" error={versions.error} onRetry={() => void versions.refetch()} />;
    if (versions.data.length === 0) return <EmptyBlock title="No versions kept yet" description="Versions are kept from the first change on." />;
    return (
      <Stack gap="xs">
        {versions.data.map((v) => (
          <Paper key={v.version} withBorder p="sm" radius="sm">
            <Group justify="space-between">
              <Group gap="xs">
                <Text fw={600}>Version {v.version}</Text>
                <Badge variant="light" radius="sm" color={v.source === "rollback" ? "orange" : "gray"}>
                  {v.source === "rollback" ? `rollback to ${v.restoredFrom}` : v.source}
                </Badge>
                <Text size="sm" c="dimmed">
                  {formatDateTime(v.changedAt)} · {v.changedBy ?? "author not known (before versions were kept)"}
                </Text>
              </Group>
              <Group gap="xs">
                <Button size="xs" variant="default" onClick={() => setOpen(open === v.version ? null : v.version)}>
                  {open === v.version ? "Hide changes" : "Show changes"}
                </Button>
                {can("policy.update") && v.version !== latest && (
                  <Button size="xs" color="orange" variant="light" onClick={() => setConfirm(v.version)}>
                    Roll back to this
                  </Button>
                )}
              </Group>
            </Group>
            {open === v.version && (
              <div style={{ marginTop: 8 }}>
                <VersionDiff kind={kind} version={v.version} />
              </div>
            )}
          </Paper>
        ))}
      </Stack>
    );
  };

  return (
    <Paper withBorder radius="md" p="md" mt="lg">
      <Title order={3} size="h4" mb="sm">
        Versions
      </Title>
      {body()}
      <ConfirmDialog
        opened={confirm !== null}
        title={`Roll back to version ${confirm}?`}
        confirmLabel="Roll back"
        color="orange"
        loading={rollback.isPending}
        error={rollback.error}
        onConfirm={() => confirm !== null && rollback.mutate(confirm, { onSuccess: () => setConfirm(null) })}
        onCancel={() => {
          rollback.reset();
          setConfirm(null);
        }}
      >
        {`This saves a new version with version ${confirm}'s content${kind === "policy" ? "; every bot's findings are recomputed" : "; per-bot overrides stay as they are"}, and every replica decides with it at once. The rollback is audited.`}
      </ConfirmDialog>
    </Paper>
  );
}
