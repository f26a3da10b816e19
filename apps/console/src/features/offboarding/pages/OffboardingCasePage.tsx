import type { TOffboardingCase } from "@bridle/contracts";
import { Alert, Badge, Breadcrumbs, Button, Group, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { getRouteApi } from "@tanstack/react-router";
import { AnchorLink } from "../../../components/links.tsx";
import { MutationErrorAlert } from "../../../components/MutationErrorAlert.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { formatDateTime } from "../../../lib/format.ts";
import { Fact, FactList, NotSet } from "../../bots/components/FactList.tsx";
import { OffboardingChecklist } from "../components/OffboardingChecklist.tsx";
import { PlanActions } from "../components/PlanActions.tsx";
import { useAcceptTransfer, useChoosePlan, useOffboardingCase } from "../queries.ts";
import { planLabel } from "./OffboardingPage.tsx";

const route = getRouteApi("/offboarding/$caseId");

const person = (p: TOffboardingCase["formerOwner"]) => (p ? `${p.displayName} <${p.email}>` : null);

function CaseView({ c }: { c: TOffboardingCase }) {
  const plan = useChoosePlan(c.id);
  const accept = useAcceptTransfer(c.id);
  return (
    <>
      <PageHeader
        above={
          <Breadcrumbs>
            <AnchorLink to="/offboarding" size="sm">
              Offboarding
            </AnchorLink>
            <Text size="sm">{c.bot}</Text>
          </Breadcrumbs>
        }
        title={`Offboarding ${c.bot}`}
        description={c.reason}
      />
      <Stack gap="lg">
        <Group gap="xs">
          <Badge variant="light" color={c.status === "open" ? "blue" : "gray"}>
            {c.status === "open" ? "Open" : "Closed"}
          </Badge>
          <Badge variant="light">{planLabel(c)}</Badge>
          <Badge variant="outline">Bot {c.botStatus}</Badge>
        </Group>
        {c.mayAccept && (
          <Alert color="blue" variant="light" title={`${c.bot} is offered to you`}>
            <Stack gap="sm">
              <Text size="sm">
                Accepting makes you its owner: you answer for its access and its reviews, and every credential reference of the bot becomes due for rotation.
              </Text>
              {accept.isError && <MutationErrorAlert error={accept.error} title="The transfer was not accepted" />}
              <Button w="fit-content" loading={accept.isPending} onClick={() => accept.mutate()}>
                Accept transfer
              </Button>
            </Stack>
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
          <Paper withBorder radius="md" p="lg">
            <FactList>
              <Fact label="Bot">
                <AnchorLink to="/bots/$botId" params={{ botId: c.botId }} size="sm">
                  {c.bot}
                </AnchorLink>
              </Fact>
              <Fact label="Former owner">{person(c.formerOwner) ?? <NotSet />}</Fact>
              <Fact label="Proposed owner">{person(c.proposedOwner) ?? <NotSet />}</Fact>
              {c.transferTo && <Fact label="Offered to">{person(c.transferTo)}</Fact>}
              <Fact label="Opened">
                {formatDateTime(c.openedAt)} by {c.openedBy.type === "system" ? "Bridle" : c.openedBy.label}
              </Fact>
              {c.orphanDeadline && <Fact label="Orphan deadline">{c.orphanPausedAt ? `Paused ${formatDateTime(c.orphanPausedAt)}` : formatDateTime(c.orphanDeadline)}</Fact>}
              {c.closedAt && (
                <Fact label="Closed">
                  {formatDateTime(c.closedAt)} ({c.outcome})
                </Fact>
              )}
            </FactList>
          </Paper>
          {c.mayManage && (
            <Paper withBorder radius="md" p="lg">
              <Title order={2} fz="h4" mb="sm">
                Plan
              </Title>
              <PlanActions cases={[c]} mutation={plan} bulk={false} />
            </Paper>
          )}
        </SimpleGrid>
        <Paper withBorder radius="md" p="lg" component="section" aria-label="Checklist">
          <Title order={2} fz="h4" mb="md">
            Checklist ({c.stepsDone} of {c.stepsTotal} done)
          </Title>
          <OffboardingChecklist offboardingCase={c} />
        </Paper>
      </Stack>
    </>
  );
}

/** One offboarding case: its plan, its checklist, and the new owner's "Accept transfer". */
export function OffboardingCasePage() {
  const { caseId } = route.useParams();
  const c = useOffboardingCase(caseId);
  if (c.isPending) return <LoadingBlock label="Loading the offboarding case" />;
  if (c.isError) return <ErrorBlock error={c.error} onRetry={() => void c.refetch()} />;
  return <CaseView c={c.data} />;
}
