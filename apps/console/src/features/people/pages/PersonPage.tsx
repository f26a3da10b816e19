import { ENVIRONMENTS, LIFECYCLE_STATUSES } from "@bridle/contracts";
import type { TEnvironment, TLifecycleStatus, TPersonDetail } from "@bridle/contracts";
import { Alert, Anchor, Badge, Breadcrumbs, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { getRouteApi } from "@tanstack/react-router";
import type { ReactNode } from "react";
import { AnchorLink, ButtonLink } from "../../../components/links.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { AuditHistoryLink } from "../../audit/components/AuditLinks.tsx";
import { RelativeTime } from "../../../components/RelativeTime.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { isApiError } from "../../../lib/api.ts";
import { formatDateTime, humanize } from "../../../lib/format.ts";
import { useCan } from "../../auth/permissions.tsx";
import { EnvironmentBadge, StatusBadge } from "../../bots/components/badges.tsx";
import { Fact, FactList, NotSet } from "../../bots/components/FactList.tsx";
import { PersonStatusBadge, RoleBadges } from "../components/PersonBadges.tsx";
import { RolesEditor } from "../components/RolesEditor.tsx";
import { usePerson } from "../queries.ts";
import { OffboardPersonButton, PersonOffboardingCases } from "../../offboarding/components/PersonOffboarding.tsx";
import { sourceLabel } from "../roles.ts";

const route = getRouteApi("/people/$personId");

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-label={title}>
      <Title order={2} fz="h4" mb="md">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

const isEnvironment = (value: string): value is TEnvironment => (ENVIRONMENTS as readonly string[]).includes(value);
const isLifecycle = (value: string): value is TLifecycleStatus => (LIFECYCLE_STATUSES as readonly string[]).includes(value);

function PersonBots({ person }: { person: TPersonDetail }) {
  if (person.bots.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {person.displayName} owns no bots.
      </Text>
    );
  }
  return (
    <Stack gap="sm">
      <Table.ScrollContainer minWidth={480}>
        <Table aria-label="Bots owned" verticalSpacing="xs" withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Bot</Table.Th>
              <Table.Th>Environment</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Findings</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {person.bots.map((bot) => (
              <Table.Tr key={bot.id}>
                <Table.Td>
                  <AnchorLink to="/bots/$botId" params={{ botId: bot.id }} size="sm" fw={600}>
                    {bot.name}
                  </AnchorLink>
                </Table.Td>
                <Table.Td>{isEnvironment(bot.environment) ? <EnvironmentBadge environment={bot.environment} /> : bot.environment}</Table.Td>
                <Table.Td>{isLifecycle(bot.status) ? <StatusBadge status={bot.status} /> : humanize(bot.status)}</Table.Td>
                <Table.Td>
                  <Badge variant={bot.findingCount === 0 ? "light" : "filled"} color={bot.findingCount === 0 ? "teal" : "orange"} radius="sm">
                    {bot.findingCount}
                  </Badge>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <AnchorLink to="/bots" search={{ owner: person.email }} size="sm">
        Open these bots in the inventory
      </AnchorLink>
    </Stack>
  );
}

function PersonDetails({ person }: { person: TPersonDetail }) {
  const can = useCan();
  const deactivated = person.status === "deactivated";
  const activeBots = person.bots.filter((bot) => bot.status !== "offboarded").length;

  return (
    <>
      <PageHeader
        above={
          <Breadcrumbs>
            <AnchorLink to="/people" size="sm">
              People
            </AnchorLink>
            <Text size="sm">{person.displayName}</Text>
          </Breadcrumbs>
        }
        title={person.displayName}
        description={person.email}
        actions={
          <Group gap="sm">
            <OffboardPersonButton person={person} />
            <AuditHistoryLink search={{ actorId: person.id }} />
          </Group>
        }
      />
      <Group gap="xs" mb="lg">
        <PersonStatusBadge status={person.status} />
        <RoleBadges roles={person.roles} />
        {person.isBootstrapAdmin && (
          <Badge variant="outline" color="orange" radius="sm">
            Break-glass account
          </Badge>
        )}
      </Group>

      <Stack gap="lg">
        {deactivated && (
          <Alert color="red" variant="light" title={`Deactivated ${person.deactivatedAt ? formatDateTime(person.deactivatedAt) : ""}`.trim()}>
            A deactivated person owns nothing and cannot sign in.
            {activeBots > 0 && ` ${activeBots === 1 ? "One bot still lists" : `${activeBots} bots still list`} them as owner: transfer or offboard ${activeBots === 1 ? "it" : "them"}.`}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
          <Section title="Profile">
            <FactList>
              <Fact label="Name">{person.displayName}</Fact>
              <Fact label="Email">
                <Anchor href={`mailto:${person.email}`} size="sm">
                  {person.email}
                </Anchor>
              </Fact>
              <Fact label="User name">{person.userName ?? <NotSet />}</Fact>
              <Fact label="Title">{person.title ?? <NotSet />}</Fact>
              <Fact label="Department">{person.department ?? <NotSet />}</Fact>
              <Fact label="Manager">
                {person.manager ? (
                  <AnchorLink to="/people/$personId" params={{ personId: person.manager.id }} size="sm">
                    {person.manager.displayName}
                  </AnchorLink>
                ) : (
                  <NotSet />
                )}
              </Fact>
              <Fact label="Teams">
                {person.teams.length === 0 ? (
                  <NotSet label="No team" />
                ) : (
                  <Group gap="xs">
                    {person.teams.map((team) => (
                      <AnchorLink key={team.id} to="/teams/$teamId" params={{ teamId: team.id }} size="sm">
                        {team.name}
                      </AnchorLink>
                    ))}
                  </Group>
                )}
              </Fact>
              <Fact label="Source">{sourceLabel(person.source)}</Fact>
              <Fact label="Last sign-in">
                <RelativeTime value={person.lastSignInAt} empty="Never" />
              </Fact>
              <Fact label="Status">
                <PersonStatusBadge status={person.status} />
              </Fact>
            </FactList>
          </Section>

          <Section title="Roles">
            {can("identity.manage") ? (
              // Keyed by the saved roles so a save (or someone else's) restarts the editor from them.
              <RolesEditor key={person.roles.join(",")} person={person} />
            ) : (
              <Stack gap="xs">
                <RoleBadges roles={person.roles} />
                <Text size="sm" c="dimmed">
                  Every person may own bots; roles add to that. Only admins change roles.
                </Text>
              </Stack>
            )}
          </Section>
        </SimpleGrid>

        <Section title="Bots">
          <PersonBots person={person} />
          <PersonOffboardingCases personId={person.id} />
        </Section>
      </Stack>
    </>
  );
}

/** One person: profile, manager, teams, roles (editable by admins) and the bots they own. */
export function PersonPage() {
  const { personId } = route.useParams();
  const query = usePerson(personId);

  if (query.isPending) return <LoadingBlock label="Loading person" />;
  if (query.isError) {
    if (isApiError(query.error) && (query.error.status === 404 || query.error.status === 400)) {
      return (
        <EmptyBlock
          title="Person not found"
          description="There is no person with this id. The link may be wrong."
          action={
            <ButtonLink to="/people" variant="default">
              Back to people
            </ButtonLink>
          }
        />
      );
    }
    return <ErrorBlock title="Could not load this person" error={query.error} onRetry={() => void query.refetch()} />;
  }
  return <PersonDetails person={query.data} />;
}
