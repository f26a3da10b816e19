import type { TSkill } from "@bridle/contracts";
import { SKILL_REVIEW_REFUSAL_TEXT, skillReviewRefusal } from "@bridle/policy";
import { Alert, Button, Group, Modal, Stack, Text, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { MutationErrorAlert } from "../../../components/MutationErrorAlert.tsx";
import { plural } from "../../../lib/format.ts";
import { useCan } from "../../auth/permissions.tsx";
import { useMe } from "../../auth/queries.ts";
import { SkillSource, SkillStateBadge } from "./SkillBadges.tsx";
import { useReviewSkill } from "../queries.ts";

/**
 * Security approves or rejects a skill version, with a note kept on the entry and in the audit log.
 * The buttons are offered only when the shared rule (`skillReviewRefusal`) lets this person review.
 */
export function SkillReviewModal({ skill, onClose }: { skill: TSkill | null; onClose: () => void }) {
  return (
    <Modal opened={skill !== null} onClose={onClose} title={skill ? `Review ${skill.ref}` : ""} size="lg" closeButtonProps={{ "aria-label": "Close" }}>
      {skill && <ReviewForm key={skill.id} skill={skill} onClose={onClose} />}
    </Modal>
  );
}

function ReviewForm({ skill, onClose }: { skill: TSkill; onClose: () => void }) {
  const me = useMe();
  const can = useCan();
  const review = useReviewSkill();
  const [note, setNote] = useState("");
  const refusal = me.data ? skillReviewRefusal({ personId: me.data.id, mayReview: can("skills.review") }, { createdById: skill.createdBy?.id ?? null, ownerId: skill.owner?.id ?? null }) : "not_reviewer";
  const decide = (decision: "approve" | "reject") =>
    review.mutate(
      { id: skill.id, decision, note: note.trim() ? note.trim() : null },
      {
        onSuccess: (saved) => {
          notifications.show({
            color: decision === "approve" ? "teal" : "orange",
            title: `${saved.ref} ${decision === "approve" ? "approved" : "rejected"}`,
            message: saved.usedBy ? `The findings of ${plural(saved.usedBy, "bot")} using it were recomputed.` : "No bot uses this version yet.",
          });
          onClose();
        },
      },
    );
  return (
    <Stack gap="md">
      <Group gap="xs">
        <SkillStateBadge state={skill.status} />
        <Text size="sm" c="dimmed">
          {skill.usedBy ? `Used by ${plural(skill.usedBy, "bot")}` : "No bot uses it yet"}
        </Text>
      </Group>
      <SkillSource source={skill.source} />
      <Text size="sm">
        Owner: {skill.owner ? `${skill.owner.displayName} <${skill.owner.email}>` : "none"} · registered by {skill.createdBy?.email ?? "Bridle (organization file)"}
      </Text>
      {skill.notes && (
        <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
          {skill.notes}
        </Text>
      )}
      {refusal ? (
        <Alert color="gray" variant="light" title="You cannot review this version">
          {SKILL_REVIEW_REFUSAL_TEXT[refusal]}.
        </Alert>
      ) : (
        <>
          <Textarea label="Note" description="Why; kept on the entry and in the audit log" autosize minRows={2} value={note} onChange={(event) => setNote(event.currentTarget.value)} />
          {review.error != null && <MutationErrorAlert error={review.error} title="Could not record the review" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={review.isPending}>
              Cancel
            </Button>
            <Button color="red" variant="light" onClick={() => decide("reject")} loading={review.isPending} disabled={skill.status === "rejected"}>
              Reject
            </Button>
            <Button color="teal" onClick={() => decide("approve")} loading={review.isPending} disabled={skill.status === "approved"}>
              Approve
            </Button>
          </Group>
        </>
      )}
    </Stack>
  );
}
