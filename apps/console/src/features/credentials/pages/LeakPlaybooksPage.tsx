import { Badge, Code, Paper, SegmentedControl, Stack, Table, Text } from "@mantine/core";
import { useState } from "react";
import { AnchorLink } from "../../../components/links.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { formatDateTime } from "../../../lib/format.ts";
import { useLeakPlaybooks } from "../queries.ts";

/**
 * Leak playbooks, newest first: security and admins start them on a credential reference (the bot
 * page's "Suspected leak"); owners see the ones on their bots.
 */
export function LeakPlaybooksPage() {
  const [status, setStatus] = useState<"open" | "closed" | "all">("open");
  const list = useLeakPlaybooks(status === "all" ? {} : { status });
  const body = () => {
    if (list.isPending) return <LoadingBlock label="Loading leak playbooks" />;
    if (list.isError) return <ErrorBlock title="Could not load leak playbooks" error={list.error} onRetry={() => void list.refetch()} />;
    if (list.data.items.length === 0)
      return (
        <EmptyBlock
          title={status === "open" ? "No open leak playbooks" : "No leak playbooks"}
          description="Security starts one from a credential reference on a bot's page when a leak is suspected."
        />
      );
    return (
      <Table.ScrollContainer minWidth={900}>
        <Table aria-label="Leak playbooks" verticalSpacing="xs" withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Started</Table.Th>
              <Table.Th>Bot</Table.Th>
              <Table.Th>Credential reference</Table.Th>
              <Table.Th>Reason</Table.Th>
              <Table.Th>Steps</Table.Th>
              <Table.Th>Status</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.items.map((p) => (
              <Table.Tr key={p.id}>
                <Table.Td>
                  <AnchorLink to="/leak-playbooks/$playbookId" params={{ playbookId: p.id }} size="sm">
                    {formatDateTime(p.startedAt)}
                  </AnchorLink>
                  <Text size="xs" c="dimmed">
                    by {p.startedBy.label ?? "Bridle"}
                  </Text>
                </Table.Td>
                <Table.Td>{p.bot.name}</Table.Td>
                <Table.Td>
                  <Text size="sm">{p.credentialReference.system}</Text>
                  <Code fz="xs" style={{ wordBreak: "break-all" }}>
                    {p.credentialReference.reference}
                  </Code>
                </Table.Td>
                <Table.Td maw={320}>
                  <Text size="sm" lineClamp={2}>
                    {p.reason}
                  </Text>
                </Table.Td>
                <Table.Td>{p.stepsDone} of 4</Table.Td>
                <Table.Td>
                  <Badge color={p.status === "open" ? "red" : "teal"} variant="light" radius="sm">
                    {p.status === "open" ? "Open" : "Closed"}
                  </Badge>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    );
  };
  return (
    <>
      <PageHeader title="Leak playbooks" description="Suspected credential leaks and the four steps of each: revoke, review recent usage, notify stakeholders, trace how it leaked." />
      <Stack gap="md">
        <SegmentedControl
          aria-label="Status"
          w="fit-content"
          value={status}
          onChange={(v) => setStatus(v as typeof status)}
          data={[
            { value: "open", label: "Open" },
            { value: "closed", label: "Closed" },
            { value: "all", label: "All" },
          ]}
        />
        <Paper withBorder radius="md" p="md">
          {body()}
        </Paper>
      </Stack>
    </>
  );
}
