import { ZAuditVerifyReport } from "@bridle/contracts";
import type { TAuditKeyTrust, TAuditProblem, TAuditVerifyReport } from "@bridle/contracts";
import { Alert, Badge, Button, Code, Group, List, Modal, Stack, Table, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { AnchorLink } from "../../../components/links.tsx";
import { ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { api } from "../../../lib/api.ts";
import { formatDate, formatDateTime, plural } from "../../../lib/format.ts";
import { Fact, FactList } from "../../bots/components/FactList.tsx";
import { auditKeys } from "../queries.ts";

/** What each kind of broken link means, in words. */
const BREAK_LABELS: Record<TAuditProblem["kind"], string> = {
  edited: "An event was edited after it was written",
  deleted: "An event was deleted",
  inserted: "An event was inserted into the chain",
  reordered: "Events were reordered",
  bad_signature: "A checkpoint's signature does not verify",
  untrusted_key: "A signing key cannot be trusted",
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

/** What vouches for the signing keys, in words (docs/AUDIT.md "Key trust"). */
const ANCHOR_LABELS: Record<TAuditKeyTrust["anchors"][number], string> = {
  pinned_thumbprints: "pinned thumbprints (BRIDLE_AUDIT_TRUSTED_KEYS)",
  jwks: "an auditor's copy of the JWKS",
  encryption_key: "the encryption key (BRIDLE_ENCRYPTION_KEY)",
};

/** Why a key is not trusted, in words. */
const DISTRUST_LABELS: Record<NonNullable<TAuditKeyTrust["keys"][number]["distrust"]>, string> = {
  kid_mismatch: "its id is not its thumbprint: written by hand",
  not_ed25519: "not an Ed25519 key",
  not_pinned: "not pinned",
  not_in_jwks: "not in the JWKS",
  unencrypted: "stored unencrypted: not written by Bridle",
  undecryptable: "does not decrypt with the encryption key",
  public_key_mismatch: "its private key does not match its public key",
};

/** What each warning means for whoever reads the report, and what to do about it. */
const WARNINGS: Record<TAuditKeyTrust["warnings"][number], { title: string; text: ReactNode }> = {
  anchored_in_database: {
    title: "Key trust rests on the database alone",
    text: (
      <>
        Nothing outside the database vouches for the keys that sign checkpoints: someone who can write the database could add a key of their own and
        re-sign a rewritten log, and this check would still pass. Set <Code>BRIDLE_ENCRYPTION_KEY</Code> or pin the keys with{" "}
        <Code>BRIDLE_AUDIT_TRUSTED_KEYS</Code>, or verify an export offline with <Code>pnpm bridle audit verify --file ... --jwks ...</Code> and an
        auditor's copy of the JWKS.
      </>
    ),
  },
  private_keys_readable: {
    title: "The signing key is stored unencrypted",
    text: (
      <>
        Its private key sits in clear in the database (<Code>BRIDLE_ENCRYPTION_KEY</Code> is not set): someone who can read the database could sign a
        rewritten log with Bridle's own key, which no pin or JWKS tells apart. Set <Code>BRIDLE_ENCRYPTION_KEY</Code>, and keep exported checkpoints
        outside Bridle.
      </>
    ),
  },
};

/**
 * Which keys signed the checkpoints and what vouches for them; a warning for each thing the check
 * cannot rule out (only the database vouches for the keys; their private keys are readable there).
 */
function KeyTrust({ trust }: { trust: TAuditKeyTrust }) {
  return (
    <Stack gap="xs" data-testid="verify-key-trust">
      {trust.anchors.length > 0 && (
        <Text size="sm" data-testid="verify-key-anchors">
          Signing keys vouched for by {trust.anchors.map((a) => ANCHOR_LABELS[a]).join(" and ")}, not by the database alone.
        </Text>
      )}
      {trust.warnings.map((w) => (
        <Alert key={w} color="yellow" variant="light" title={WARNINGS[w].title} data-testid="verify-key-warning" data-warning={w}>
          {WARNINGS[w].text}
        </Alert>
      ))}
      {trust.keys.length > 0 && (
        <Table withTableBorder fz="sm" verticalSpacing={4} aria-label="Signing keys">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Key</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Checkpoints</Table.Th>
              <Table.Th>Trust</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {trust.keys.map((key) => (
              <Table.Tr key={key.kid} data-testid="verify-key" data-trusted={key.trusted}>
                <Table.Td>
                  <Code fz="xs" title={key.kid}>
                    {key.kid.length > 12 ? `${key.kid.slice(0, 12)}…` : key.kid}
                  </Code>
                  {key.retiredAt && (
                    <Text span size="xs" c="dimmed">
                      {" "}
                      retired
                    </Text>
                  )}
                </Table.Td>
                <Table.Td style={{ whiteSpace: "nowrap" }}>{key.createdAt ? formatDate(key.createdAt) : "—"}</Table.Td>
                <Table.Td>{key.checkpoints.toLocaleString("en-US")}</Table.Td>
                <Table.Td>
                  {key.trusted ? (
                    <Badge color={trust.anchors.length ? "teal" : "gray"} variant="light">
                      {trust.anchors.length ? "Trusted" : "Database only"}
                    </Badge>
                  ) : (
                    <Stack gap={2}>
                      <Badge color="red" variant="light">
                        Not trusted
                      </Badge>
                      {key.distrust && (
                        <Text size="xs" c="dimmed">
                          {DISTRUST_LABELS[key.distrust]}
                        </Text>
                      )}
                    </Stack>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
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
          Every event's hash and every link of the chain recompute, and every checkpoint's signature verifies
          {report.keyTrust.anchors.length ? " with a trusted key" : " with a key from the database"}.
        </Alert>
        <KeyTrust trust={report.keyTrust} />
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
      <KeyTrust trust={report.keyTrust} />
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
