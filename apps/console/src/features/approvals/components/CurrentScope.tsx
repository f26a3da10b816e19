import type { TApprovalRequest } from "@bridle/contracts";
import { Badge, Code, Group, Stack, Table, Text } from "@mantine/core";
import { formatDate, humanize, isPast } from "../../../lib/format.ts";
import { Fact, FactList } from "../../bots/components/FactList.tsx";

/** The bot's grants, channels and data access now, for the reviewer to weigh the change against. */
export function CurrentScope({ scope }: { scope: TApprovalRequest["currentScope"] }) {
  return (
    <Stack gap="md">
      <FactList>
        <Fact label="Internal data access">{humanize(scope.internalDataAccess)}</Fact>
        <Fact label="Channels">
          {scope.channels.length === 0 ? (
            <Text size="sm" c="dimmed">
              None
            </Text>
          ) : (
            <Group gap={4}>
              {scope.channels.map((channel) => (
                <Badge key={channel} variant="default" radius="sm" tt="none" fw={500}>
                  {channel}
                </Badge>
              ))}
            </Group>
          )}
        </Fact>
      </FactList>
      {scope.grants.length === 0 ? (
        <Text size="sm" c="dimmed">
          The bot holds no grants.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={420}>
          <Table aria-label="Current grants" verticalSpacing={4} withTableBorder>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>System</Table.Th>
                <Table.Th>Scope</Table.Th>
                <Table.Th>Access</Table.Th>
                <Table.Th>Expires</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {scope.grants.map((grant) => (
                <Table.Tr key={`${grant.system}-${grant.scope}-${grant.access}`}>
                  <Table.Td>{grant.system}</Table.Td>
                  <Table.Td>
                    <Code>{grant.scope}</Code>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={grant.access === "write" ? "orange" : "blue"} radius="sm">
                      {grant.access}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c={isPast(grant.expiresAt) ? "red" : undefined}>
                      {grant.expiresAt ? `${formatDate(grant.expiresAt)}${isPast(grant.expiresAt) ? " (expired)" : ""}` : "Never"}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
