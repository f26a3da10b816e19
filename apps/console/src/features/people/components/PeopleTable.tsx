import type { TPerson } from "@bridle/contracts";
import { Stack, Table, Text } from "@mantine/core";
import { AnchorLink } from "../../../components/links.tsx";
import { RelativeTime } from "../../../components/RelativeTime.tsx";
import { EMPTY } from "../../../lib/format.ts";
import { sourceLabel } from "../roles.ts";
import { PersonStatusBadge, RoleBadges } from "./PersonBadges.tsx";

const HEADERS = ["Person", "Status", "Roles", "Team", "Manager", "Bots owned", "Last sign-in", "Source"];

export function PeopleTable({ people }: { people: TPerson[] }) {
  return (
    <Table.ScrollContainer minWidth={1000} maxHeight="max(420px, calc(100vh - 320px))" type="native">
      <Table striped highlightOnHover stickyHeader verticalSpacing="xs" aria-label="People">
        <Table.Thead>
          <Table.Tr>
            {HEADERS.map((header) => (
              <Table.Th key={header} fz="xs">
                {header}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {people.map((person) => {
            const deactivated = person.status === "deactivated";
            return (
              <Table.Tr key={person.id} data-status={person.status}>
                <Table.Td>
                  <Stack gap={0} maw={260}>
                    <AnchorLink
                      to="/people/$personId"
                      params={{ personId: person.id }}
                      fw={600}
                      size="sm"
                      c={deactivated ? "dimmed" : undefined}
                      style={{ whiteSpace: "nowrap" }}
                    >
                      {person.displayName}
                    </AnchorLink>
                    <Text size="xs" c="dimmed" truncate title={person.email}>
                      {person.email}
                    </Text>
                  </Stack>
                </Table.Td>
                <Table.Td>
                  <PersonStatusBadge status={person.status} />
                </Table.Td>
                <Table.Td>
                  <RoleBadges roles={person.roles} size="xs" />
                </Table.Td>
                <Table.Td>
                  {person.team ? (
                    <AnchorLink to="/teams/$teamId" params={{ teamId: person.team.id }} size="sm">
                      {person.team.name}
                    </AnchorLink>
                  ) : (
                    <Text size="sm" c="dimmed">
                      {EMPTY}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  {person.manager ? (
                    <AnchorLink to="/people/$personId" params={{ personId: person.manager.id }} size="sm" title={person.manager.email}>
                      {person.manager.displayName}
                    </AnchorLink>
                  ) : (
                    <Text size="sm" c="dimmed">
                      {EMPTY}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  {person.botsOwned > 0 ? (
                    <AnchorLink to="/bots" search={{ owner: person.email }} size="sm" title={`Open the bots ${person.displayName} owns`}>
                      {person.botsOwned}
                    </AnchorLink>
                  ) : (
                    <Text size="sm" c="dimmed">
                      0
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <RelativeTime value={person.lastSignInAt} empty="Never" />
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{sourceLabel(person.source)}</Text>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
