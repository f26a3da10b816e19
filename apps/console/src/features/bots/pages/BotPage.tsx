import { mayReadBot, RUNTIME_PROFILE_FIELDS } from "@bridle/contracts";
import type { TBot, TRuntimeProfile } from "@bridle/contracts";
import { Badge, Breadcrumbs, Button, Code, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { getRouteApi } from "@tanstack/react-router";
import { AnchorLink, ButtonLink } from "../../../components/links.tsx";
import type { ReactNode } from "react";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { AuditHistoryLink } from "../../audit/components/AuditLinks.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { isApiError } from "../../../lib/api.ts";
import { formatDate, formatDateTime, humanize, isPast } from "../../../lib/format.ts";
import { BotFormModal, botFormId } from "../components/BotFormModal.tsx";
import { useReopenKeptForm } from "../../../lib/kept-forms.ts";
import { DataAccessBadge, EnvironmentBadge, FindingCountBadge, StatusBadge } from "../components/badges.tsx";
import { FindingList } from "../components/FindingList.tsx";
import { OpenClawFloorSection } from "../components/OpenClawFloorSection.tsx";
import { Fact, FactList, Missing, NotSet } from "../components/FactList.tsx";
import { BotOpenRequests } from "../../approvals/components/BotOpenRequests.tsx";
import { BotRequestActions } from "../../approvals/components/BotRequestActions.tsx";
import { canManageBot, useCan } from "../../auth/permissions.tsx";
import { CredentialReferencesSection } from "../../credentials/components/CredentialReferencesSection.tsx";
import { BotTokensSection } from "../../bot-tokens/components/BotTokensSection.tsx";
import { BotGatedActions } from "../../gated-actions/components/BotGatedActions.tsx";
import { BotInstructionsSection } from "../../instructions/components/BotInstructionsSection.tsx";
import { BotRuntimeCard } from "../../sessions/components/BotRuntimeCard.tsx";
import { BotSpendCard } from "../../usage/components/BotSpendCard.tsx";
import { BotSessionsSection } from "../../sessions/components/BotSessionsSection.tsx";
import { BotSkillsSection } from "../../skills/components/BotSkillsSection.tsx";
import { BotOffboarding } from "../../offboarding/components/BotOffboarding.tsx";
import { useMe } from "../../auth/queries.ts";
import { useFindingKindTitles } from "../../findings/queries.ts";
import { useBot } from "../queries.ts";
import { EngageKillSwitchModal } from "../../kill-switch/components/EngageKillSwitch.tsx";
import { HaltedBadge } from "../../kill-switch/components/HaltedBadge.tsx";

const route = getRouteApi("/bots/$botId");

const RUNTIME_PROFILE_LABELS: Record<(typeof RUNTIME_PROFILE_FIELDS)[number], string> = {
  runtimeOwner: "Runtime owner",
  hostingEnvironment: "Hosting environment",
  workspacePersistence: "Workspace persistence",
  networkAccessPolicy: "Network access policy (egress allowlist)",
  allowedTools: "Allowed tools (pinned versions)",
  shellExecutionPolicy: "Shell execution policy",
  dataRetention: "Data retention",
  deletionProcedure: "Deletion procedure",
  incidentResponseOwner: "Incident response owner",
};

function Card({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-label={title} data-testid={testId}>
      <Title order={2} fz="h4" mb="md">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

const listOrNone = (items: string[], render: (item: string) => ReactNode = (item) => item) =>
  items.length === 0 ? (
    <Text size="sm" c="dimmed">
      None
    </Text>
  ) : (
    <Group gap={4}>
      {items.map((item) => (
        <Badge key={item} variant="default" radius="sm" tt="none" fw={500}>
          {render(item)}
        </Badge>
      ))}
    </Group>
  );

function RuntimeProfileValue({ profile, field }: { profile: TRuntimeProfile; field: (typeof RUNTIME_PROFILE_FIELDS)[number] }) {
  const value = profile[field];
  if (value === null || value === undefined || (typeof value === "string" && value.trim() === "") || (Array.isArray(value) && value.length === 0)) {
    return <Missing />;
  }
  if (Array.isArray(value)) {
    return (
      <Group gap={4}>
        {value.map((item) => (
          <Code key={item}>{item}</Code>
        ))}
      </Group>
    );
  }
  return <Text size="sm">{field === "shellExecutionPolicy" ? humanize(value) : value}</Text>;
}

function SimpleTable({ label, head, rows, empty }: { label: string; head: string[]; rows: ReactNode[][]; empty: string }) {
  if (rows.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {empty}
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={480}>
      <Table aria-label={label} verticalSpacing="xs" withTableBorder>
        <Table.Thead>
          <Table.Tr>
            {head.map((cell) => (
              <Table.Th key={cell}>{cell}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((cells, index) => (
            <Table.Tr key={index}>
              {cells.map((cell, cellIndex) => (
                <Table.Td key={cellIndex}>{cell}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function ExpiryText({ value }: { value: string | null }) {
  if (!value) return <Text size="sm" c="dimmed">Never</Text>;
  return (
    <Text size="sm" c={isPast(value) ? "red" : undefined}>
      {formatDate(value)}
      {isPast(value) ? " (expired)" : ""}
    </Text>
  );
}

function BotDetails({ bot }: { bot: TBot }) {
  const titleOf = useFindingKindTitles();
  const [editOpened, edit] = useDisclosure(false);
  const me = useMe();
  const mayEdit = canManageBot(me.data, bot);
  const mayRead = me.data ? mayReadBot({ permissions: me.data.permissions, personId: me.data.id }, { ownerId: bot.owner?.id ?? null }) : false;
  const can = useCan();
  const owner = bot.owner;
  const [killSwitchOpened, killSwitch] = useDisclosure(false);
  // Re-opens an edit a session end interrupted, with what was typed.
  useReopenKeptForm(mayEdit ? botFormId(bot.id) : null, edit.open);

  return (
    <>
      <PageHeader
        above={
          <Breadcrumbs>
            <AnchorLink to="/bots" size="sm">
              Inventory
            </AnchorLink>
            <Text size="sm">{bot.name}</Text>
          </Breadcrumbs>
        }
        title={bot.name}
        description={bot.purpose}
        actions={
          <>
            <AuditHistoryLink search={{ botId: bot.id }} />
            {(mayEdit || can("kill_switch.manage")) && bot.status !== "offboarded" && (
              <Button color="red" variant="light" onClick={killSwitch.open}>
                Pause with kill switch
              </Button>
            )}
            {mayEdit && (
              <>
                <BotRequestActions bot={bot} />
                <Button onClick={edit.open} variant="default">
                  Edit
                </Button>
              </>
            )}
          </>
        }
      />
      <Group gap="xs" mb="lg">
        <StatusBadge status={bot.status} />
        <HaltedBadge botId={bot.id} />
        <EnvironmentBadge environment={bot.environment} />
        <DataAccessBadge level={bot.internalDataAccess} />
        <FindingCountBadge bot={bot} titleOf={titleOf} />
        <Text size="sm" c="dimmed">
          {bot.findingCount === 1 ? "1 finding" : `${bot.findingCount} findings`}
        </Text>
      </Group>

      <Stack gap="lg">
        <Card title="Findings" testId="bot-findings">
          <FindingList findings={bot.findings} titleOf={titleOf} />
        </Card>

        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
          <Card title="Overview">
            <FactList>
              <Fact label="Name">{bot.name}</Fact>
              <Fact label="Email">{bot.email ?? <Missing />}</Fact>
              <Fact label="Owner">
                {owner ? (
                  <Group gap={6}>
                    <Text size="sm">
                      {owner.displayName} <Text span c="dimmed" size="sm">&lt;{owner.email}&gt;</Text>
                    </Text>
                    {owner.status === "deactivated" && (
                      <Badge color="red" variant="light" size="xs" radius="sm">
                        Deactivated
                      </Badge>
                    )}
                  </Group>
                ) : (
                  <Missing label="No owner" />
                )}
              </Fact>
              <Fact label="Team">{bot.team ? bot.team.name : <Missing />}</Fact>
              <Fact label="Business purpose">{bot.purpose}</Fact>
              <Fact label="Environment">{bot.environment}</Fact>
              <Fact label="Runtime">{bot.runtime ?? <NotSet />}</Fact>
              <Fact label="Lifecycle status">{humanize(bot.status)}</Fact>
              <Fact label="Internal data access">{humanize(bot.internalDataAccess)}</Fact>
              <Fact label="External channels">{listOrNone(bot.channels)}</Fact>
              <Fact label="Credential storage">{bot.credentialStorage ?? <NotSet />}</Fact>
              <Fact label="Approval-gated actions">{listOrNone(bot.gatedActions)}</Fact>
              <Fact label="Created">{formatDate(bot.createdAt)}</Fact>
              <Fact label="Last review">{bot.lastReviewedAt ? formatDate(bot.lastReviewedAt) : <NotSet label="Never reviewed" />}</Fact>
              <Fact label="Next review due">
                <Text size="sm" c={isPast(bot.nextReviewDue) ? "red" : undefined}>
                  {formatDate(bot.nextReviewDue)}
                  {isPast(bot.nextReviewDue) ? " (overdue)" : ""}
                </Text>
              </Fact>
              <Fact label="Last updated">{formatDateTime(bot.updatedAt)}</Fact>
            </FactList>
          </Card>

          <Card title="Runtime profile" testId="runtime-profile">
            <FactList>
              {RUNTIME_PROFILE_FIELDS.map((field) => (
                <Fact key={field} label={RUNTIME_PROFILE_LABELS[field]}>
                  <RuntimeProfileValue profile={bot.runtimeProfile} field={field} />
                </Fact>
              ))}
            </FactList>
          </Card>
        </SimpleGrid>

        <SimpleGrid cols={{ base: 1 }} spacing="lg">
          <Card title="Bot identity">
            <Stack gap="sm">
              <FactList>
                <Fact label="Bot email">{bot.email ?? <Missing />}</Fact>
                {bot.email && (
                  <>
                    <Fact label="Inbox">
                      <Badge variant="light" color="blue" radius="sm" data-testid="bot-inbox">
                        Read-only
                      </Badge>
                    </Fact>
                    <Fact label="Sending">
                      {bot.emailSendingEnabled ? (
                        <Badge variant="light" color="orange" radius="sm" data-testid="bot-email-sending">
                          On (approved)
                        </Badge>
                      ) : (
                        <Badge variant="light" color="gray" radius="sm" data-testid="bot-email-sending">
                          Off (needs an approval)
                        </Badge>
                      )}
                    </Fact>
                  </>
                )}
              </FactList>
              <Text size="xs" c="dimmed">
                A bot has its own identity: its own mailbox and one service account per connected system, never a person's account.
              </Text>
              <SimpleTable
                label="Service accounts"
                head={["System", "Service account"]}
                rows={bot.serviceAccounts.map((account) => [account.system, <Code key="a">{account.account}</Code>])}
                empty="No service accounts."
              />
            </Stack>
          </Card>

        </SimpleGrid>

        <Card title="Credential references" testId="bot-credential-references">
          <CredentialReferencesSection
            botId={bot.id}
            botName={bot.name}
            mayManage={mayEdit}
            mayRespond={can("credentials.respond")}
            live={bot.status !== "offboarding" && bot.status !== "offboarded"}
          />
        </Card>

        <Card title="Grants" testId="bot-grants">
          <SimpleTable
            label="Grants"
            head={["System", "Scope", "Access", "Expires"]}
            rows={bot.grants.map((grant) => [
              grant.systemName || grant.system,
              <Code key="s">{grant.scope}</Code>,
              <Badge key="a" variant="light" color={grant.access === "write" ? "orange" : "blue"} radius="sm">
                {grant.access}
              </Badge>,
              <ExpiryText key="e" value={grant.expiresAt} />,
            ])}
            empty="No grants."
          />
        </Card>

        <Card title="Golden Rule exception" testId="golden-rule-exception">
          {bot.exception ? (
            <FactList>
              <Fact label="Status">
                <Badge
                  variant="light"
                  radius="sm"
                  color={bot.exception.status === "approved" ? "teal" : bot.exception.status === "pending" ? "yellow" : "red"}
                >
                  {bot.exception.status}
                </Badge>
              </Fact>
              <Fact label="Business purpose">{bot.exception.businessPurpose}</Fact>
              <Fact label="Allowed systems">{listOrNone(bot.exception.allowedSystems)}</Fact>
              <Fact label="Allowed channels">{listOrNone(bot.exception.allowedChannels)}</Fact>
              <Fact label="Data classification">{bot.exception.dataClassification}</Fact>
              <Fact label="Approval requirements">{bot.exception.approvalRequirements}</Fact>
              <Fact label="Approved by">
                {bot.exception.approvedBy ? (
                  `${bot.exception.approvedBy}${bot.exception.approvedAt ? ` on ${formatDate(bot.exception.approvedAt)}` : ""}`
                ) : (
                  <Missing label="Not approved" />
                )}
              </Fact>
              <Fact label="Expires">
                <ExpiryText value={bot.exception.expiresAt} />
              </Fact>
            </FactList>
          ) : (
            <Text size="sm" c="dimmed">
              No Golden Rule exception. A bot has internal data access or external communication, never
              both, unless an approved exception documents it.
            </Text>
          )}
        </Card>

        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
          <Card title="Skills" testId="bot-skills">
            <BotSkillsSection bot={bot} mayEdit={mayEdit} />
          </Card>
          <Card title="Instructions" testId="bot-instructions">
            <BotInstructionsSection botId={bot.id} />
          </Card>
        </SimpleGrid>

        <Card title="Runtime" testId="bot-runtime">
          <BotRuntimeCard botId={bot.id} />
        </Card>

        {mayRead && (
          <Card title="Spend and budget" testId="bot-spend-card">
            <BotSpendCard botId={bot.id} />
          </Card>
        )}

        <Card title="Runtime sessions" testId="bot-sessions">
          <BotSessionsSection botId={bot.id} />
        </Card>

        <Card title="Approval requests" testId="bot-approval-requests">
          <BotOpenRequests botId={bot.id} botName={bot.name} />
        </Card>

        <Card title="Gated actions for this bot" testId="bot-gated-actions">
          <BotGatedActions botId={bot.id} />
        </Card>

        <Card title="Static floor (OpenClaw)" testId="bot-openclaw-floor">
          <OpenClawFloorSection botId={bot.id} botName={bot.name} />
        </Card>

        <BotOffboarding botId={bot.id} />

        {mayEdit && (
          <Card title="Runtime tokens" testId="bot-runtime-tokens">
            <BotTokensSection botId={bot.id} botName={bot.name} offboarded={bot.status === "offboarded"} />
          </Card>
        )}
      </Stack>

      {mayEdit && <BotFormModal opened={editOpened} onClose={edit.close} bot={bot} />}
      <EngageKillSwitchModal opened={killSwitchOpened} onClose={killSwitch.close} fixedBot={{ id: bot.id, name: bot.name }} />
    </>
  );
}

/** One bot with every inventory field, its runtime profile, identity, grants, credentials and findings. */
export function BotPage() {
  const { botId } = route.useParams();
  const query = useBot(botId);

  if (query.isPending) return <LoadingBlock label="Loading bot" />;
  if (query.isError) {
    const notFound = isApiError(query.error) && (query.error.status === 404 || query.error.status === 400);
    if (notFound) {
      return (
        <EmptyBlock
          title="Bot not found"
          description="There is no bot with this id. It may have been removed, or the link is wrong."
          action={
            <ButtonLink to="/bots" variant="default">
              Back to the inventory
            </ButtonLink>
          }
        />
      );
    }
    return <ErrorBlock title="Could not load this bot" error={query.error} onRetry={() => void query.refetch()} />;
  }
  return <BotDetails bot={query.data} />;
}
