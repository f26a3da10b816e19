import type { TPersonDetail } from "@bridle/contracts";
import { Badge, Button, Stack, Table, Text, Textarea } from "@mantine/core";
import { useState } from "react";
import { ConfirmDialog } from "../../../components/ConfirmDialog.tsx";
import { AnchorLink } from "../../../components/links.tsx";
import { ErrorBlock } from "../../../components/states.tsx";
import { useCan } from "../../auth/permissions.tsx";
import { planLabel } from "../pages/OffboardingPage.tsx";
import { useOffboardingCases, useOffboardPerson } from "../queries.ts";

/** IT's "Offboard person" (people.manage): asks for confirmation and a reason, then deactivates them; a case opens per bot they own. */
export function OffboardPersonButton({ person }: { person: TPersonDetail }) {
  const can = useCan();
  const offboard = useOffboardPerson(person.id);
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  // The API refuses these (the break-glass account is disabled in Settings; an admin needs identity.manage): no button.
  if (!can("people.manage") || person.status !== "active" || person.isBootstrapAdmin) return null;
  if (person.roles.includes("admin") && !can("identity.manage")) return null;
  const live = person.bots.filter((b) => b.status !== "offboarded").length;
  const close = () => {
    setOpen(false);
    offboard.reset();
  };
  return (
    <>
      <Button color="red" variant="light" onClick={() => setOpen(true)}>
        Offboard person
      </Button>
      <ConfirmDialog
        opened={open}
        title={`Offboard ${person.displayName}?`}
        confirmLabel="Offboard person"
        loading={offboard.isPending}
        error={offboard.isError ? offboard.error : undefined}
        onCancel={close}
        onConfirm={() => {
          if (reason.trim().length < 3) return;
          offboard.mutate({ confirm: true, reason: reason.trim() }, { onSuccess: close });
        }}
      >
        <Stack gap="sm">
          <Text size="sm">
            {person.displayName} is deactivated at once: their sessions end and their API tokens are revoked.{" "}
            {live ? `An offboarding case opens for each of the ${live} bot${live === 1 ? "" : "s"} they own, proposing their manager as the new owner.` : "They own no live bot."}
          </Text>
          <Textarea label="Reason" description="Shown on each case and in the audit log" required value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} />
        </Stack>
      </ConfirmDialog>
    </>
  );
}

/** The offboarding cases of the bots a person owned (their page). */
export function PersonOffboardingCases({ personId }: { personId: string }) {
  const can = useCan();
  const cases = useOffboardingCases({ personId }, can("bots.read_all"));
  if (!can("bots.read_all")) return null;
  if (cases.isError) return <ErrorBlock error={cases.error} onRetry={() => void cases.refetch()} />;
  if (!cases.data?.length) return null;
  return (
    <Table aria-label="Offboarding cases" verticalSpacing="xs" withTableBorder>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Bot</Table.Th>
          <Table.Th>Plan</Table.Th>
          <Table.Th>Steps</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {cases.data.map((c) => (
          <Table.Tr key={c.id}>
            <Table.Td>
              <AnchorLink to="/offboarding/$caseId" params={{ caseId: c.id }} size="sm" fw={600}>
                {c.bot}
              </AnchorLink>
            </Table.Td>
            <Table.Td>
              <Badge variant="light">{planLabel(c)}</Badge>
            </Table.Td>
            <Table.Td>{c.stepsTotal ? `${c.stepsDone} of ${c.stepsTotal}` : "—"}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
