import { Alert, Breadcrumbs, Paper, Table, Text } from "@mantine/core";
import { AnchorLink } from "../../../components/links.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { isMissingEndpoint } from "../../../lib/api.ts";
import { useCan } from "../../auth/permissions.tsx";
import { EditableGatedActionRow, ReadOnlyGatedActionRow } from "../components/GatedActionRow.tsx";
import { useGatedActions } from "../queries.ts";
import { PolicyVersions } from "../../policy/components/PolicyVersions.tsx";

/**
 * The org's gated-action policy: for each of the ten actions, allow, require approval (by whom,
 * how many, how long a request stays open) or deny. Admins (`policy.update`) change it, row by row.
 */
export function GatedActionsPage() {
  const can = useCan();
  const rules = useGatedActions();
  const editable = can("policy.update");

  const body = () => {
    if (rules.isPending) return <LoadingBlock label="Loading gated actions" />;
    if (rules.isError) {
      const missing = isMissingEndpoint(rules.error);
      return (
        <ErrorBlock
          title={missing ? "This server does not offer the gated-action policy yet" : "Could not load the gated-action policy"}
          error={rules.error}
          onRetry={() => void rules.refetch()}
        />
      );
    }
    if (rules.data.length === 0) return <EmptyBlock title="No gated actions" description="The server returned no gated-action rules." />;
    return (
      <Table.ScrollContainer minWidth={1000}>
        <Table aria-label="Gated actions" verticalSpacing="sm" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Action</Table.Th>
              <Table.Th>Mode</Table.Th>
              <Table.Th>Approver role</Table.Th>
              <Table.Th>Approvals required</Table.Th>
              <Table.Th>Request expiry (minutes)</Table.Th>
              <Table.Th>{editable ? "Save" : null}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rules.data.map((rule) =>
              editable ? <EditableGatedActionRow key={JSON.stringify(rule)} rule={rule} /> : <ReadOnlyGatedActionRow key={rule.action} rule={rule} />,
            )}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    );
  };

  return (
    <>
      <PageHeader
        above={
          <Breadcrumbs>
            <AnchorLink to="/policy" size="sm">
              Org policy
            </AnchorLink>
            <Text size="sm">Gated actions</Text>
          </Breadcrumbs>
        }
        title="Gated actions"
        description="Actions that are hard to undo, visible outside or change access. A bot's runtime asks Bridle before each one; a bot's own approval or merge never counts."
      />
      {!editable && (
        <Alert color="gray" variant="light" mb="md" role="note">
          Read only: changing the gated-action policy needs the admin role.
        </Alert>
      )}
      <Paper withBorder radius="md" p={rules.isSuccess && rules.data.length > 0 ? 0 : "md"}>
        {body()}
      </Paper>
      <Text size="xs" c="dimmed" mt="sm">
        Requests already open keep the approver role and count they were opened with. Two approvals is dual control: two different people must approve.
      </Text>
      <PolicyVersions kind="gated-actions" />
    </>
  );
}
