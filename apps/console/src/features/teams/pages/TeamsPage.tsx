import type { TTeam } from "@bridle/contracts";
import { Alert, Badge, Button, Group, Paper, Table, Text, Tooltip } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { ConfirmDialog } from "../../../components/ConfirmDialog.tsx";
import { AnchorLink } from "../../../components/links.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { plural } from "../../../lib/format.ts";
import { useCan } from "../../auth/permissions.tsx";
import { useTeamList } from "../../directory/queries.ts";
import { TeamFormModal } from "../components/TeamFormModal.tsx";
import { useDeleteTeam } from "../queries.ts";

export const IDP_MANAGED_TEAM = "Provisioned by your identity provider over SCIM: change it there.";

/**
 * Teams with their active members and bots; each links to its bots in the inventory. Admins and
 * IT create, rename and delete teams here while SCIM provisioning is off; teams the identity
 * provider manages are read-only, and say so.
 */
export function TeamsPage() {
  const teams = useTeamList();
  const can = useCan();
  const scimEnabled = teams.data?.scimEnabled ?? false;
  const canManage = can("people.manage") && !scimEnabled;
  const [adding, setAdding] = useState(false);
  const [renaming, setRenaming] = useState<TTeam | null>(null);
  const [deleting, setDeleting] = useState<TTeam | null>(null);
  const remove = useDeleteTeam();

  const createButton = canManage ? <Button onClick={() => setAdding(true)}>Create team</Button> : null;

  const body = () => {
    if (teams.isPending) return <LoadingBlock label="Loading teams" />;
    if (teams.isError) return <ErrorBlock title="Could not load teams" error={teams.error} onRetry={() => void teams.refetch()} />;
    if (teams.data.items.length === 0) {
      return (
        <EmptyBlock
          title="No teams yet"
          description={
            scimEnabled
              ? "Teams are the groups your identity provider sends through SCIM; none has arrived yet."
              : canManage
                ? "Every bot belongs to a team. Create your teams here, or turn on SCIM provisioning to receive them from your identity provider."
                : "Every bot belongs to a team. An admin or IT creates them, or your identity provider sends them through SCIM."
          }
          action={createButton}
        />
      );
    }
    return (
      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={640}>
          <Table striped highlightOnHover verticalSpacing="sm" aria-label="Teams">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Team</Table.Th>
                <Table.Th>Members</Table.Th>
                <Table.Th>Bots</Table.Th>
                {can("people.manage") && <Table.Th aria-label="Actions" />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {teams.data.items.map((team) => (
                <Table.Tr key={team.id}>
                  <Table.Td>
                    <AnchorLink to="/teams/$teamId" params={{ teamId: team.id }} fw={600} size="sm">
                      {team.name}
                    </AnchorLink>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {team.slug}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <AnchorLink to="/people" search={{ team: team.slug }} size="sm">
                      {plural(team.members, "member")}
                    </AnchorLink>
                  </Table.Td>
                  <Table.Td>
                    <AnchorLink to="/bots" search={{ team: team.slug }} size="sm">
                      {plural(team.bots, "bot")}
                    </AnchorLink>
                  </Table.Td>
                  {can("people.manage") && (
                    <Table.Td>
                      <Group gap="xs" justify="flex-end" wrap="nowrap">
                        {team.managedBy === "bridle" ? (
                          <>
                            <Button size="xs" variant="default" onClick={() => setRenaming(team)} aria-label={`Rename ${team.name}`}>
                              Rename
                            </Button>
                            <Button
                              size="xs"
                              variant="subtle"
                              color="red"
                              onClick={() => (remove.reset(), setDeleting(team))}
                              aria-label={`Delete ${team.name}`}
                            >
                              Delete
                            </Button>
                          </>
                        ) : (
                          <Tooltip label={IDP_MANAGED_TEAM} withArrow>
                            <Badge variant="light" color="gray" tt="none">
                              Identity provider
                            </Badge>
                          </Tooltip>
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
    );
  };

  return (
    <>
      <PageHeader
        title="Teams"
        description="Every bot belongs to a team. Teams come from your identity provider (SCIM) or are created here."
        actions={teams.data?.items.length ? createButton : null}
      />
      {scimEnabled && (
        <Alert color="blue" variant="light" mb="md" title="Managed by your identity provider">
          SCIM provisioning is on, so your identity provider sends the teams and their members. They are read-only here; change them there.
        </Alert>
      )}
      {body()}
      <TeamFormModal opened={adding || renaming !== null} team={renaming} onClose={() => (setAdding(false), setRenaming(null))} />
      <ConfirmDialog
        opened={deleting !== null}
        title={deleting ? `Delete ${deleting.name}?` : ""}
        confirmLabel="Delete team"
        loading={remove.isPending}
        error={remove.error}
        onCancel={() => setDeleting(null)}
        onConfirm={() => {
          if (!deleting) return;
          remove.mutate(deleting.id, {
            onSuccess: () => {
              notifications.show({ color: "teal", title: "Team deleted", message: deleting.name });
              setDeleting(null);
            },
          });
        }}
      >
        {deleting ? `Delete ${deleting.name} (${deleting.slug})? Only a team with no bots and no members can be deleted.` : ""}
      </ConfirmDialog>
    </>
  );
}
