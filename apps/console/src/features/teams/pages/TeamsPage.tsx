import { Paper, Table, Text } from "@mantine/core";
import { AnchorLink } from "../../../components/links.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { plural } from "../../../lib/format.ts";
import { useTeams } from "../../directory/queries.ts";

/** Teams (SCIM groups) with their active members and bots; each links to its bots in the inventory. */
export function TeamsPage() {
  const teams = useTeams();

  const body = () => {
    if (teams.isPending) return <LoadingBlock label="Loading teams" />;
    if (teams.isError) return <ErrorBlock title="Could not load teams" error={teams.error} onRetry={() => void teams.refetch()} />;
    if (teams.data.length === 0) {
      return <EmptyBlock title="No teams yet" description="Teams are the groups your identity provider sends through SCIM." />;
    }
    return (
      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={560}>
          <Table striped highlightOnHover verticalSpacing="sm" aria-label="Teams">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Team</Table.Th>
                <Table.Th>Members</Table.Th>
                <Table.Th>Bots</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {teams.data.map((team) => (
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
      <PageHeader title="Teams" description="The groups your identity provider provisions. Every bot belongs to a team." />
      {body()}
    </>
  );
}
