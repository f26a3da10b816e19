import type { TApprovalRequest } from "@bridle/contracts";
import { Code, Stack, Table, Text } from "@mantine/core";
import { useNavigate } from "@tanstack/react-router";
import { AnchorLink } from "../../../components/links.tsx";
import { RelativeTime } from "../../../components/RelativeTime.tsx";
import { ApprovalKindBadge, ApprovalStatusBadge } from "./ApprovalBadges.tsx";
import { ApprovalProgress } from "./ApprovalProgress.tsx";
import { firstLines, gatedPayloadOf } from "./GatedActionParams.tsx";

function Requester({ requester }: { requester: TApprovalRequest["requester"] }) {
  return (
    <Stack gap={0} maw={200}>
      <Text size="sm" truncate title={requester.label}>
        {requester.label}
      </Text>
      {requester.type === "bot" && (
        <Text size="xs" c="dimmed">
          the bot's runtime
        </Text>
      )}
    </Stack>
  );
}

/**
 * A gated shell command's first line, from the parameters the approval is bound to (never the
 * bot's own summary); the request page shows all of it.
 */
function CommandLine({ request }: { request: TApprovalRequest }) {
  const command = gatedPayloadOf(request)?.command;
  if (command == null) return null;
  const { lines, more } = firstLines(command, 1);
  return (
    <Code display="block" mt={4} maw={420} title={command} data-testid="approval-row-command" style={{ overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }}>
      {`$ ${lines}${more ? " …" : ""}`}
    </Code>
  );
}

/** Approval requests: each row's summary (what approval changes, from the request itself) links to the request page. */
export function ApprovalTable({
  requests,
  label = "Approval requests",
  showBot = true,
  showStatus = true,
}: {
  requests: TApprovalRequest[];
  label?: string;
  /** Off on the bot page, where every row is the same bot. */
  showBot?: boolean;
  /** Off when every row has the same status (a status tab); shown under the kind, so the table stays narrow. */
  showStatus?: boolean;
}) {
  const navigate = useNavigate();
  return (
    <Table.ScrollContainer minWidth={showBot ? 1000 : 800}>
      <Table striped highlightOnHover verticalSpacing="xs" aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{showStatus ? "Kind and status" : "Kind"}</Table.Th>
            {showBot && <Table.Th>Bot</Table.Th>}
            <Table.Th>Requester</Table.Th>
            <Table.Th>What it asks</Table.Th>
            <Table.Th>Approvals</Table.Th>
            <Table.Th>Age</Table.Th>
            <Table.Th>Expires</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {requests.map((request) => (
            <Table.Tr
              key={request.id}
              // The whole line opens the request (the link in "What it asks" is the keyboard's way in).
              style={{ cursor: "pointer" }}
              onClick={(e) => {
                if ((e.target as HTMLElement).closest("a, button")) return;
                void navigate({ to: "/approvals/$requestId", params: { requestId: request.id } });
              }}
            >
              <Table.Td>
                <Stack gap={4} align="flex-start">
                  <ApprovalKindBadge kind={request.kind} />
                  {showStatus && <ApprovalStatusBadge status={request.status} />}
                </Stack>
              </Table.Td>
              {showBot && (
                <Table.Td>
                  <AnchorLink to="/bots/$botId" params={{ botId: request.bot.id }} size="sm" fw={600} style={{ whiteSpace: "nowrap" }}>
                    {request.bot.name}
                  </AnchorLink>
                  <Text size="xs" c="dimmed">
                    {[request.bot.environment, request.bot.team].filter(Boolean).join(" · ")}
                  </Text>
                </Table.Td>
              )}
              <Table.Td>
                <Requester requester={request.requester} />
              </Table.Td>
              <Table.Td style={{ minWidth: 220 }}>
                <AnchorLink to="/approvals/$requestId" params={{ requestId: request.id }} size="sm">
                  {request.effect.summary}
                </AnchorLink>
                <CommandLine request={request} />
              </Table.Td>
              <Table.Td>
                <ApprovalProgress request={request} compact />
              </Table.Td>
              <Table.Td>
                <RelativeTime value={request.createdAt} />
              </Table.Td>
              <Table.Td>
                {request.status === "pending" ? <RelativeTime value={request.expiresAt} /> : <Text size="sm" c="dimmed">—</Text>}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
