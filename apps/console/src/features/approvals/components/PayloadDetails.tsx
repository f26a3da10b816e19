import { parseApprovalPayload, type TApprovalPayloadOf, type TApprovalRequest } from "@bridle/contracts";
import { Badge, Code, Group } from "@mantine/core";
import type { ReactNode } from "react";
import { formatDate, formatDateTime } from "../../../lib/format.ts";
import { Fact, FactList, NotSet } from "../../bots/components/FactList.tsx";

const tags = (items: string[]) =>
  items.length === 0 ? (
    <NotSet label="None" />
  ) : (
    <Group gap={4}>
      {items.map((item) => (
        <Badge key={item} variant="default" radius="sm" tt="none" fw={500}>
          {item}
        </Badge>
      ))}
    </Group>
  );

function GrantFacts({ grant }: { grant: Extract<TApprovalPayloadOf, { kind: "scope_expansion" }>["payload"] }) {
  return (
    <>
      <Fact label="System">{grant.system}</Fact>
      <Fact label="Scope">
        <Code>{grant.scope}</Code>
      </Fact>
      <Fact label="Access">
        <Badge variant="light" color={grant.access === "write" ? "orange" : "blue"} radius="sm">
          {grant.access}
        </Badge>
      </Fact>
      <Fact label="Grant expires">{grant.grantExpiresAt ? formatDate(grant.grantExpiresAt) : <NotSet label="Never" />}</Fact>
    </>
  );
}

function details(request: TApprovalRequest): ReactNode | null {
  // The contracts' one parser: the payload typed by its kind, or null when it does not match.
  const parsed = parseApprovalPayload(request.kind, request.payload);
  if (!parsed) return null;
  switch (parsed.kind) {
    case "scope_expansion":
      return <GrantFacts grant={parsed.payload} />;
    case "golden_rule_exception": {
      const p = parsed.payload;
      return (
        <>
          {p.grant && <GrantFacts grant={p.grant} />}
          <Fact label="Business purpose">{p.businessPurpose}</Fact>
          <Fact label="Allowed systems">{tags(p.allowedSystems)}</Fact>
          <Fact label="Allowed channels">{tags(p.allowedChannels)}</Fact>
          <Fact label="Data classification">{p.dataClassification}</Fact>
          <Fact label="Approval requirements">{p.approvalRequirements}</Fact>
          <Fact label="Exception expires">{formatDate(p.exceptionExpiresAt)}</Fact>
        </>
      );
    }
    case "ownership_transfer": {
      return (
        <>
          <Fact label="Current owner">{request.bot.owner ?? <NotSet label="No owner" />}</Fact>
          <Fact label="New owner">{parsed.payload.toEmail}</Fact>
        </>
      );
    }
    case "gated_action": {
      const p = parsed.payload;
      return (
        <>
          <Fact label="Action">
            <Code>{p.action}</Code>
          </Fact>
          <Fact label="Target system">{p.target.system ?? <NotSet />}</Fact>
          <Fact label="Target resource">{p.target.resource ?? <NotSet />}</Fact>
          <Fact label="Target channel">{p.target.channel ?? <NotSet />}</Fact>
          <Fact label="Session">{p.sessionId ?? <NotSet />}</Fact>
          <Fact label="Runtime request id">{request.runtimeRequestId ?? <NotSet />}</Fact>
          <Fact label="Used by the runtime">{request.consumedAt ? formatDateTime(request.consumedAt) : <NotSet label="Not yet" />}</Fact>
        </>
      );
    }
  }
}

/**
 * The request's payload, field by field for its kind (raw JSON if it does not parse). A gated
 * action's parameters are shown apart, first on the page (GatedActionParams).
 */
export function PayloadDetails({ request }: { request: TApprovalRequest }) {
  const facts = details(request);
  if (facts === null) {
    return (
      <Code block aria-label="Payload">
        {JSON.stringify(request.payload, null, 2)}
      </Code>
    );
  }
  return <FactList>{facts}</FactList>;
}
