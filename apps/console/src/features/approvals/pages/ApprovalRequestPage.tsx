import type { TApprovalRequest, TMe } from "@bridle/contracts";
import { Breadcrumbs, Group, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { getRouteApi } from "@tanstack/react-router";
import type { ReactNode } from "react";
import { AnchorLink, ButtonLink } from "../../../components/links.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { isApiError } from "../../../lib/api.ts";
import { formatDateTime } from "../../../lib/format.ts";
import { Fact, FactList, NotSet } from "../../bots/components/FactList.tsx";
import { useMe } from "../../auth/queries.ts";
import { ApprovalKindBadge, ApprovalStatusBadge } from "../components/ApprovalBadges.tsx";
import { ApprovalProgress } from "../components/ApprovalProgress.tsx";
import { CurrentScope } from "../components/CurrentScope.tsx";
import { EffectSummary, ReasonList } from "../components/EffectView.tsx";
import { GatedActionParams, gatedPayloadOf } from "../components/GatedActionParams.tsx";
import { PayloadDetails } from "../components/PayloadDetails.tsx";
import { RequestHistory } from "../components/RequestHistory.tsx";
import { ReviewPanel } from "../components/ReviewPanel.tsx";
import { KIND_LABELS, ROLE_LABELS } from "../labels.ts";
import { useApprovalRequest } from "../queries.ts";

const route = getRouteApi("/approvals/$requestId");

function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-label={title} data-testid={testId}>
      <Title order={2} fz="h4" mb="md">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

function RequestDetails({ request, me }: { request: TApprovalRequest; me: TMe }) {
  const gated = gatedPayloadOf(request);
  return (
    <>
      <PageHeader
        above={
          <Breadcrumbs>
            <AnchorLink to="/approvals" size="sm">
              Approvals
            </AnchorLink>
            <Text size="sm">{KIND_LABELS[request.kind]}</Text>
          </Breadcrumbs>
        }
        title={`${KIND_LABELS[request.kind]} for ${request.bot.name}`}
        description={request.effect.summary}
      />
      <Group gap="xs" mb="lg">
        <ApprovalStatusBadge status={request.status} size="lg" data-testid="approval-status" />
        <ApprovalKindBadge kind={request.kind} />
        <Text size="sm" c="dimmed">
          {request.status === "pending" ? `Expires ${formatDateTime(request.expiresAt)}` : request.decidedAt ? `Decided ${formatDateTime(request.decidedAt)}` : null}
        </Text>
      </Group>

      <Stack gap="lg">
        {gated && (
          <Section title={`What ${request.bot.name} will do`} testId="approval-gated-action">
            <GatedActionParams payload={gated} />
          </Section>
        )}
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
          <Section title="Decision" testId="approval-decision">
            <Stack gap="md">
              <ApprovalProgress request={request} />
              <Text size="sm" c="dimmed">
                Needs {request.approvalsRequired === 1 ? "one approval" : `${request.approvalsRequired} approvals from different people`} with the{" "}
                {ROLE_LABELS[request.approverRole]} role.
              </Text>
              <ReviewPanel request={request} me={me} />
            </Stack>
          </Section>
          <Section title="Request">
            <FactList>
              <Fact label="Requester">
                {request.requester.label}
                {request.requester.type === "bot" ? " (the bot's runtime)" : ""}
              </Fact>
              <Fact label="Bot">
                <AnchorLink to="/bots/$botId" params={{ botId: request.bot.id }} size="sm" fw={600}>
                  {request.bot.name}
                </AnchorLink>
              </Fact>
              <Fact label="Bot owner">{request.bot.owner ?? <NotSet label="No owner" />}</Fact>
              <Fact label="Team">{request.bot.team ?? <NotSet />}</Fact>
              <Fact label="Environment">{request.bot.environment}</Fact>
              <Fact label="Justification">{request.justification ?? <NotSet label="None given" />}</Fact>
              <Fact label="Approver role">{ROLE_LABELS[request.approverRole]}</Fact>
              <Fact label="Created">{formatDateTime(request.createdAt)}</Fact>
              <Fact label="Expires">{formatDateTime(request.expiresAt)}</Fact>
            </FactList>
          </Section>
        </SimpleGrid>

        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
          <Section title={request.status === "pending" ? "What approval would change" : "What the request asked for"} testId="approval-effect">
            <Stack gap="md">
              <EffectSummary effect={request.effect} />
              <PayloadDetails request={request} />
            </Stack>
          </Section>
          {/* The reasons are checked against the bot as it is now: once the request is decided (and
              perhaps applied) they describe today's bot, not the state the approvers saw. */}
          <Section title={request.status === "pending" ? "Policy reasons" : "Policy reasons, checked now"} testId="approval-reasons">
            <Stack gap="xs">
              {request.status !== "pending" && (
                <Text size="sm" c="dimmed">
                  Checked against the bot as it is now, after this request was {request.status}, not as it was when it was decided.
                </Text>
              )}
              <ReasonList reasons={request.reasons} />
            </Stack>
          </Section>
        </SimpleGrid>

        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
          <Section title="The bot's current scope" testId="approval-current-scope">
            <CurrentScope scope={request.currentScope} />
          </Section>
          <Section title="History" testId="approval-history">
            <RequestHistory request={request} />
          </Section>
        </SimpleGrid>
      </Stack>
    </>
  );
}

/** One approval request: who asks, for which bot, exactly what approval changes, why, its history and the decision. */
export function ApprovalRequestPage() {
  const { requestId } = route.useParams();
  const query = useApprovalRequest(requestId);
  const me = useMe();

  if (query.isPending || !me.data) return <LoadingBlock label="Loading approval request" />;
  if (query.isError) {
    const status = isApiError(query.error) ? query.error.status : 0;
    if (status === 404 || status === 400) {
      return (
        <EmptyBlock
          title="Approval request not found"
          description="There is no approval request with this id, or this server does not offer approvals yet."
          action={
            <ButtonLink to="/approvals" variant="default">
              Back to approvals
            </ButtonLink>
          }
        />
      );
    }
    return <ErrorBlock title={status === 403 ? "You cannot read this request" : "Could not load this request"} error={query.error} onRetry={() => void query.refetch()} />;
  }
  return <RequestDetails request={query.data} me={me.data} />;
}
