import type { TSystemDetail } from "@bridle/contracts";
import { Button, Group, Paper, Table, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { ConfirmDialog } from "../../../components/ConfirmDialog.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { plural } from "../../../lib/format.ts";
import { useCan } from "../../auth/permissions.tsx";
import { ClassificationBadge } from "../components/ClassificationBadge.tsx";
import { SystemFormModal } from "../components/SystemFormModal.tsx";
import { useDeleteSystem, useSystemCatalog } from "../queries.ts";

const usageText = (s: TSystemDetail) => {
  const parts = [
    s.usage.grants ? plural(s.usage.grants, "grant") : null,
    s.usage.serviceAccounts ? plural(s.usage.serviceAccounts, "service account") : null,
    s.usage.credentialReferences ? plural(s.usage.credentialReferences, "credential reference") : null,
  ].filter(Boolean);
  return parts.length ? parts.join(", ") : "Not used yet";
};

/** The connected system catalog: what bots' grants point at, and how each system counts for the Golden Rule. */
export function SystemsPage() {
  const systems = useSystemCatalog();
  const can = useCan();
  const canManage = can("systems.manage");
  const [editing, setEditing] = useState<TSystemDetail | null>(null);
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<TSystemDetail | null>(null);
  const remove = useDeleteSystem();

  const addButton = canManage ? <Button onClick={() => setAdding(true)}>Add system</Button> : null;

  const body = () => {
    if (systems.isPending) return <LoadingBlock label="Loading connected systems" />;
    if (systems.isError) return <ErrorBlock title="Could not load connected systems" error={systems.error} onRetry={() => void systems.refetch()} />;
    if (systems.data.length === 0)
      return (
        <EmptyBlock
          title="No connected systems yet"
          description={
            canManage
              ? "Add the systems your bots reach (GitHub, Slack, Jira...), each with what access to it gives."
              : "An admin adds the systems your bots reach."
          }
          action={addButton}
        />
      );
    return (
      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={720}>
          <Table striped highlightOnHover verticalSpacing="sm" aria-label="Connected systems">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>System</Table.Th>
                <Table.Th>Classification</Table.Th>
                <Table.Th>Used by</Table.Th>
                {canManage && <Table.Th aria-label="Actions" />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {systems.data.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td>
                    <Text fw={600} size="sm">
                      {s.name}
                    </Text>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {s.key}
                    </Text>
                    {s.description && (
                      <Text size="xs" c="dimmed">
                        {s.description}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <ClassificationBadge classification={s.classification} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{usageText(s)}</Text>
                  </Table.Td>
                  {canManage && (
                    <Table.Td>
                      <Group gap="xs" justify="flex-end" wrap="nowrap">
                        <Button size="xs" variant="default" onClick={() => setEditing(s)} aria-label={`Edit ${s.name}`}>
                          Edit
                        </Button>
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          onClick={() => {
                            remove.reset();
                            setDeleting(s);
                          }}
                          aria-label={`Remove ${s.name}`}
                        >
                          Remove
                        </Button>
                      </Group>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
    );
  };

  return (
    <>
      <PageHeader
        title="Connected systems"
        description="The systems bots reach through grants, service accounts and credential references. A system's classification decides the Golden Rule."
        actions={systems.data?.length ? addButton : null}
      />
      {body()}
      <SystemFormModal opened={adding || editing !== null} system={editing} onClose={() => (setAdding(false), setEditing(null))} />
      <ConfirmDialog
        opened={deleting !== null}
        title={deleting ? `Remove ${deleting.name}?` : ""}
        confirmLabel="Remove system"
        loading={remove.isPending}
        error={remove.error}
        onCancel={() => setDeleting(null)}
        onConfirm={() => {
          if (!deleting) return;
          remove.mutate(deleting.id, {
            onSuccess: () => {
              notifications.show({ color: "teal", title: `${deleting.name} removed`, message: "Every bot's findings were recomputed." });
              setDeleting(null);
            },
          });
        }}
      >
        {deleting
          ? `Bots will no longer be able to hold grants on ${deleting.key}, and a channel named ${deleting.key} will count as external communication. A system still in use cannot be removed.`
          : ""}
      </ConfirmDialog>
    </>
  );
}
