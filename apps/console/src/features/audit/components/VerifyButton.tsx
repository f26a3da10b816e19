import { ZAuditVerifyReport } from "@bridle/contracts";
import type { TAuditProblem, TAuditVerifyReport } from "@bridle/contracts";
import { Alert, Button, Code, Group, List, Modal, Stack, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useQuery } from "@tanstack/react-query";
import { AnchorLink } from "../../../components/links.tsx";
import { ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { api } from "../../../lib/api.ts";
import { formatDateTime, plural } from "../../../lib/format.ts";
import { Fact, FactList } from "../../bots/components/FactList.tsx";
import { auditKeys } from "../queries.ts";

/** What each kind of broken link means, in words. */
const BREAK_LABELS: Record<TAuditProblem["kind"], string> = {
  edited: "An event was edited after it was written",
  deleted: "An event was deleted",
  inserted: "An event was inserted into the chain",
  reordered: "Events were reordered",
  bad_signature: "A checkpoint's signature does not verify",
  missing_checkpoint: "A checkpoint is missing",
  truncated: "The end of the log was cut off",
};

function ProblemLine({ problem }: { problem: TAuditProblem }) {
  return (
    <Stack gap={2}>
      <Text size="sm" fw={600}>
        {BREAK_LABELS[problem.kind]}
      </Text>
      <Text size="sm">{problem.message}</Text>
      <Group gap="md">
        {problem.position !== null && (
          <Text size="xs" c="dimmed">
            Chain position <Code fz="xs">{problem.position}</Code>
          </Text>
        )}
        {problem.checkpoint !== null && (
          <Text size="xs" c="dimmed">
            Checkpoint <Code fz="xs">#{problem.checkpoint}</Code>
          </Text>
        )}
        {problem.eventId && (
          <AnchorLink to="/audit/$eventId" params={{ eventId: problem.eventId }} size="xs">
            Event {problem.eventId}
          </AnchorLink>
        )}
      </Group>
    </Stack>
  );
}

function Report({ report }: { report: TAuditVerifyReport }) {
  const facts = (
    <FactList>
      <Fact label="Events checked">{report.eventsChecked.toLocaleString("en-US")}</Fact>
      <Fact label="Chain">
        {report.chain.count === 0 ? "empty" : `positions ${report.chain.first ?? "?"} to ${report.chain.last ?? "?"}`}
        {report.start.position > 0 && ` (verified from the retention cut at position ${report.start.position})`}
      </Fact>
      <Fact label="Signed checkpoints">
        {report.checkpoints.count.toLocaleString("en-US")}
        {report.checkpoints.last &&
          `; the last, #${report.checkpoints.last.number}, covers position ${report.checkpoints.last.position} (${formatDateTime(report.checkpoints.last.createdAt)}, key ${report.checkpoints.last.kid})`}
      </Fact>
      <Fact label="Not yet checkpointed">{plural(report.uncheckpointed, "position")}</Fact>
      <Fact label="Waiting to be chained">{plural(report.unsealed.pending, "event")}</Fact>
      <Fact label="Checked">
        {formatDateTime(report.checkedAt)} in {report.durationMs.toLocaleString("en-US")} ms
      </Fact>
    </FactList>
  );
  if (report.ok)
    return (
      <Stack gap="md">
        <Alert color="teal" variant="light" title="The audit log is intact" data-testid="verify-ok">
          Every event's hash and every link of the chain recompute, and every checkpoint's signature verifies.
        </Alert>
        {facts}
      </Stack>
    );
  return (
    <Stack gap="md">
      <Alert color="red" variant="filled" title="The audit log has been tampered with" data-testid="verify-broken">
        {plural(report.problemCount, "problem")} found. The first broken link:
      </Alert>
      {report.firstBreak && <ProblemLine problem={report.firstBreak} />}
      {report.problems.length > 1 && (
        <Stack gap={4}>
          <Text size="sm" fw={600}>
            Every problem found{report.problemCount > report.problems.length ? ` (the first ${report.problems.length})` : ""}
          </Text>
          <List spacing="xs">
            {report.problems.map((problem, index) => (
              <List.Item key={index}>
                <ProblemLine problem={problem} />
              </List.Item>
            ))}
          </List>
        </Stack>
      )}
      {facts}
    </Stack>
  );
}

/**
 * "Verify integrity": asks the server to recompute the whole hash chain and check every signed
 * checkpoint (GET /api/v1/audit/verify), and shows the result: intact, or the first broken link.
 */
export function VerifyButton() {
  const [opened, { open, close }] = useDisclosure(false);
  const verify = useQuery({
    queryKey: [...auditKeys.all, "verify"],
    queryFn: ({ signal }) => api.get("/api/v1/audit/verify", ZAuditVerifyReport, undefined, signal),
    enabled: opened,
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });
  return (
    <>
      <Button variant="default" onClick={open}>
        Verify integrity
      </Button>
      <Modal opened={opened} onClose={close} title="Integrity of the audit log" size="lg">
        <Stack gap="md">
          {verify.isPending || (verify.isFetching && !verify.data) ? (
            <LoadingBlock label="Recomputing the chain and checking the checkpoints" />
          ) : verify.isError ? (
            <ErrorBlock title="Could not verify the audit log" error={verify.error} onRetry={() => void verify.refetch()} />
          ) : (
            <Report report={verify.data} />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Close
            </Button>
            <Button onClick={() => void verify.refetch()} loading={verify.isFetching} disabled={verify.isPending}>
              Verify again
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
