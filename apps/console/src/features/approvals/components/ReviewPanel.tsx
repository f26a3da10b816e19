import type { TApprovalRequest, TMe } from "@bridle/contracts";
import { Alert, Button, Code, Group, Stack, Text, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { ConfirmDialog } from "../../../components/ConfirmDialog.tsx";
import { MutationErrorAlert } from "../../../components/MutationErrorAlert.tsx";
import { isApiError } from "../../../lib/api.ts";
import { ROLE_LABELS } from "../labels.ts";
import { useReviewApprovalRequest, useWithdrawApprovalRequest } from "../queries.ts";
import { reviewBlocker } from "../review-rules.ts";
import { firstLines, gatedPayloadOf } from "./GatedActionParams.tsx";

const NOTE_MAX = 2000;

function errorTitle(error: unknown): string {
  if (isApiError(error) && error.status === 409) return "The request has moved on";
  return "The review was not recorded";
}

/** The requester's own pending request: they may withdraw it. */
function WithdrawButton({ request }: { request: TApprovalRequest }) {
  const withdraw = useWithdrawApprovalRequest(request.id);
  const [confirming, setConfirming] = useState(false);
  const close = () => {
    setConfirming(false);
    withdraw.reset();
  };
  return (
    <>
      <Group>
        <Button variant="default" onClick={() => setConfirming(true)}>
          Withdraw request
        </Button>
      </Group>
      <ConfirmDialog
        opened={confirming}
        title="Withdraw this request?"
        confirmLabel="Withdraw"
        loading={withdraw.isPending}
        error={withdraw.isError ? withdraw.error : undefined}
        onConfirm={() =>
          withdraw.mutate(undefined, {
            onSuccess: () => {
              notifications.show({ color: "gray", title: "Request withdrawn", message: "No one can approve it now." });
              close();
            },
          })
        }
        onCancel={close}
      >
        Reviewers will no longer see it as pending. Open a new request if it is needed later.
      </ConfirmDialog>
    </>
  );
}

const RESTATED_LINES = 6;

function Lines({ text, label, testId }: { text: string; label: string; testId: string }) {
  const { lines, more } = firstLines(text, RESTATED_LINES);
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" fw={500}>
        {label}
        {more ? " (the beginning; all of it is on the page)" : ""}
      </Text>
      <Code block data-testid={testId} style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
        {lines}
        {more ? "\n…" : ""}
      </Code>
    </Stack>
  );
}

/**
 * What the approver is about to approve, restated in the confirmation: the same for every
 * approver of a dual-control request. For a gated action: the action, the bot, the target and
 * the first lines of the command and parameters it is bound to.
 */
function ApproveRestatement({ request, note }: { request: TApprovalRequest; note: string }) {
  const gated = gatedPayloadOf(request);
  const left = request.approvalsRequired - request.approvals;
  const target = gated
    ? [gated.target.system && `system ${gated.target.system}`, gated.target.resource && `resource ${gated.target.resource}`, gated.target.channel && `channel ${gated.target.channel}`]
        .filter(Boolean)
        .join(", ") || "none given"
    : null;
  return (
    <Stack gap="sm" data-testid="approve-restatement">
      <Text size="sm" fw={600}>
        {request.effect.summary}
      </Text>
      {gated && (
        <>
          <Text size="sm">
            Action <Code>{gated.action}</Code> by bot <b>{request.bot.name}</b>; target: {target}.
          </Text>
          {gated.command !== null && <Lines text={gated.command} label="Command" testId="approve-command" />}
          <Lines text={gated.paramsText} label="Parameters" testId="approve-params" />
        </>
      )}
      <Text size="sm">
        {left <= 1
          ? gated
            ? "Your approval lets the runtime do this once, with exactly these parameters."
            : "Your approval applies the change."
          : `Your approval is one of ${request.approvalsRequired}; nothing happens until ${left - 1 === 1 ? "one more person approves" : `${left - 1} more people approve`}.`}
        {note.trim() === "" ? "" : ` Your note: “${note.trim()}”`}
      </Text>
    </Stack>
  );
}

/**
 * Approve or deny with a note, each confirmed first (approving restates what is approved), shown only to someone who may review this request (pending, not
 * theirs, not about their bot, their role, not yet reviewed by them); otherwise says why not.
 */
export function ReviewPanel({ request, me }: { request: TApprovalRequest; me: TMe }) {
  const review = useReviewApprovalRequest(request.id);
  const [note, setNote] = useState("");
  const [confirmDeny, setConfirmDeny] = useState(false);
  const [confirmApprove, setConfirmApprove] = useState(false);
  const blocker = reviewBlocker(me, request);
  const isRequester = request.requester.type === "person" && request.requester.id === me.id;

  const submit = (decision: "approve" | "deny") =>
    review.mutate(
      { decision, note },
      {
        onSuccess: (updated) => {
          setNote("");
          setConfirmDeny(false);
          setConfirmApprove(false);
          const title = decision === "deny" ? "Request denied" : updated.status === "approved" ? "Request approved" : "Approval recorded";
          const message =
            decision === "deny"
              ? "The requester can see your note."
              : updated.status === "approved"
                ? "The change has been applied."
                : `${updated.approvals} of ${updated.approvalsRequired} approvals; another ${ROLE_LABELS[updated.approverRole]} reviewer must approve too.`;
          notifications.show({ color: decision === "deny" ? "red" : "teal", title, message });
        },
      },
    );

  if (blocker) {
    // Errors of a review just made (e.g. a 409) stay in view after the request moved on.
    return (
      <Stack gap="sm">
        {review.isError && <MutationErrorAlert error={review.error} title={errorTitle(review.error)} />}
        <Alert color="gray" variant="light" role="note" data-testid="review-blocked">
          <Text size="sm">{blocker}</Text>
        </Alert>
        {isRequester && request.status === "pending" && <WithdrawButton request={request} />}
      </Stack>
    );
  }

  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        You hold the {ROLE_LABELS[request.approverRole]} role this request needs. Approving applies the change once every required approval is in; one deny ends the request.
      </Text>
      {review.isError && !confirmDeny && !confirmApprove && <MutationErrorAlert error={review.error} title={errorTitle(review.error)} />}
      <Textarea
        label="Note"
        description="Optional; kept in the request's history and the audit log."
        value={note}
        onChange={(event) => setNote(event.currentTarget.value)}
        maxLength={NOTE_MAX}
        autosize
        minRows={2}
        maxRows={6}
      />
      <Group gap="sm">
        <Button
          color="teal"
          onClick={() => {
            review.reset();
            setConfirmApprove(true);
          }}
          disabled={review.isPending}
        >
          Approve
        </Button>
        <Button
          color="red"
          variant="light"
          onClick={() => {
            review.reset();
            setConfirmDeny(true);
          }}
          disabled={review.isPending}
        >
          Deny
        </Button>
      </Group>
      <ConfirmDialog
        opened={confirmApprove}
        title="Approve this request?"
        confirmLabel="Approve request"
        color="teal"
        loading={review.isPending}
        error={review.isError ? review.error : undefined}
        onConfirm={() => submit("approve")}
        onCancel={() => {
          setConfirmApprove(false);
          review.reset();
        }}
      >
        <ApproveRestatement request={request} note={note} />
      </ConfirmDialog>
      <ConfirmDialog
        opened={confirmDeny}
        title="Deny this request?"
        confirmLabel="Deny request"
        loading={review.isPending}
        error={review.isError ? review.error : undefined}
        onConfirm={() => submit("deny")}
        onCancel={() => {
          setConfirmDeny(false);
          review.reset();
        }}
      >
        <Text size="sm">
          One deny ends the request for everyone; the requester must open a new one.
          {note.trim() === "" ? " Consider adding a note that says why." : ` Your note: “${note.trim()}”`}
        </Text>
      </ConfirmDialog>
    </Stack>
  );
}
