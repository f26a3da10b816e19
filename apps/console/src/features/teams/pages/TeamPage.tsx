import type { TPersonStatus } from "@bridle/contracts";
import { Breadcrumbs, Group, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { getRouteApi } from "@tanstack/react-router";
import { AnchorLink, ButtonLink } from "../../../components/links.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { isApiError } from "../../../lib/api.ts";
import { plural } from "../../../lib/format.ts";
import { PersonStatusBadge } from "../../people/components/PersonBadges.tsx";
import { sourceLabel } from "../../people/roles.ts";
import { useTeam } from "../queries.ts";

const route = getRouteApi("/teams/$teamId");

type Member = { id: string; email: string; displayName: string; status: TPersonStatus };

function MembersTable({ members }: { members: Member[] }) {
  if (members.length === 0) return <EmptyBlock title="No members" description="Nobody is in this team yet." />;
  return (
    <Table.ScrollContainer minWidth={480}>
      <Table striped verticalSpacing="xs" aria-label="Members">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Person</Table.Th>
            <Table.Th>Email</Table.Th>
            <Table.Th>Status</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {members.map((member) => (
            <Table.Tr key={member.id}>
              <Table.Td>
                <AnchorLink to="/people/$personId" params={{ personId: member.id }} size="sm" fw={600}>
                  {member.displayName}
                </AnchorLink>
              </Table.Td>
              <Table.Td>
                <Text size="sm" c="dimmed">
                  {member.email}
                </Text>
              </Table.Td>
              <Table.Td>
                <PersonStatusBadge status={member.status} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** One team: its members (linking to people) and a link to its bots in the inventory. */
export function TeamPage() {
  const { teamId } = route.useParams();
  const query = useTeam(teamId);

  if (query.isPending) return <LoadingBlock label="Loading team" />;
  if (query.isError) {
    if (isApiError(query.error) && (query.error.status === 404 || query.error.status === 400)) {
      return (
        <EmptyBlock
          title="Team not found"
          description="There is no team with this id. The link may be wrong."
          action={
            <ButtonLink to="/teams" variant="default">
              Back to teams
            </ButtonLink>
          }
        />
      );
    }
    return <ErrorBlock title="Could not load this team" error={query.error} onRetry={() => void query.refetch()} />;
  }
  const team = query.data;
  const active = team.members.filter((member) => member.status === "active").length;

  return (
    <>
      <PageHeader
        above={
          <Breadcrumbs>
            <AnchorLink to="/teams" size="sm">
              Teams
            </AnchorLink>
            <Text size="sm">{team.name}</Text>
          </Breadcrumbs>
        }
        title={team.name}
        description={`${team.slug} · ${sourceLabel(team.source)}`}
        actions={
          <ButtonLink to="/bots" search={{ team: team.slug }} variant="default">
            View {plural(team.bots, "bot")}
          </ButtonLink>
        }
      />
      <Paper withBorder radius="md" p="lg" component="section" aria-label="Members">
        <Stack gap="md">
          <Group justify="space-between">
            <Title order={2} fz="h4">
              Members
            </Title>
            <Text size="sm" c="dimmed">
              {plural(active, "active member")}
              {team.members.length > active ? `, ${team.members.length - active} deactivated` : ""}
            </Text>
          </Group>
          <MembersTable members={team.members} />
        </Stack>
      </Paper>
    </>
  );
}
