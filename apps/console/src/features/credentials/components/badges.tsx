import { ROTATION_DUE_REASON_LABELS, VAULT_KIND_LABELS, type TCredentialReferenceDetail, type TRotationState } from "@bridle/contracts";
import { Badge, Stack, Text, Tooltip } from "@mantine/core";
import { formatDate } from "../../../lib/format.ts";

/** A reference's status, with why it is due or who revoked it in the tooltip. */
export function CredentialStatusBadge({ reference }: { reference: Pick<TCredentialReferenceDetail, "status" | "rotationDueReason" | "rotationDueSince" | "revokedAt" | "revokedBy"> }) {
  if (reference.status === "revoked")
    return (
      <Tooltip label={`Revoked ${formatDate(reference.revokedAt)}${reference.revokedBy?.label ? ` by ${reference.revokedBy.label}` : ""}`}>
        <Badge color="red" variant="light" radius="sm" miw="fit-content">
          Revoked
        </Badge>
      </Tooltip>
    );
  if (reference.status === "rotation_due")
    return (
      <Tooltip label={`Due since ${formatDate(reference.rotationDueSince)}: ${reference.rotationDueReason ? ROTATION_DUE_REASON_LABELS[reference.rotationDueReason] : "marked due"}`}>
        <Badge color="orange" variant="light" radius="sm" miw="fit-content">
          Rotation due
        </Badge>
      </Tooltip>
    );
  return (
    <Badge color="teal" variant="light" radius="sm" miw="fit-content">
      Active
    </Badge>
  );
}

const STATE: Record<TRotationState, { label: string; color: string }> = {
  ok: { label: "On time", color: "gray" },
  no_interval: { label: "No interval", color: "gray" },
  due: { label: "Due", color: "orange" },
  overdue: { label: "Overdue", color: "red" },
  revoked: { label: "Revoked", color: "red" },
};

/** Where a reference stands on rotation, with its due date. */
export function RotationCell({ reference }: { reference: Pick<TCredentialReferenceDetail, "rotationState" | "rotationDueAt" | "rotationIntervalDays"> }) {
  const state = STATE[reference.rotationState];
  return (
    <Stack gap={2}>
      <Badge color={state.color} variant={reference.rotationState === "overdue" ? "filled" : "light"} radius="sm" size="sm" miw="fit-content">
        {state.label}
      </Badge>
      <Text size="xs" c="dimmed">
        {reference.rotationIntervalDays ? (reference.rotationIntervalDays === 1 ? "every day" : `every ${reference.rotationIntervalDays} days`) : "no interval"}
        {reference.rotationDueAt && reference.rotationState !== "revoked" ? ` · due ${formatDate(reference.rotationDueAt)}` : ""}
      </Text>
    </Stack>
  );
}

/** The vault kind and the vault it points into. */
export function VaultCell({ vault }: { vault: TCredentialReferenceDetail["vault"] }) {
  return (
    <Stack gap={0}>
      <Text size="sm">{VAULT_KIND_LABELS[vault.kind]}</Text>
      {vault.name && (
        <Text size="xs" c="dimmed">
          {vault.name}
        </Text>
      )}
    </Stack>
  );
}
