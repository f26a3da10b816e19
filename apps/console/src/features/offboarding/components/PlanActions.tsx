import type { TOffboardingCaseSummary, TOffboardingPlanRequest } from "@bridle/contracts";
import { Button, Group, Modal, Select, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { ConfirmDialog } from "../../../components/ConfirmDialog.tsx";
import { MutationErrorAlert } from "../../../components/MutationErrorAlert.tsx";
import { usePeopleList } from "../../people/queries.ts";

type Mutation = {
  mutate: (body: TOffboardingPlanRequest, opts?: { onSuccess?: () => void }) => void;
  isPending: boolean;
  isError: boolean;
  error: unknown;
  reset: () => void;
};

/** Picks an active person (searching the directory by name or email): the new owner. */
function ChooseOwnerModal({ title, exclude, onChoose, onClose, mutation }: { title: string; exclude: string[]; onChoose: (personId: string) => void; onClose: () => void; mutation: Mutation }) {
  const [q, setQ] = useState("");
  const [chosen, setChosen] = useState<string | null>(null);
  const people = usePeopleList({ status: "active", ...(q.trim() ? { q: q.trim() } : {}) });
  const options = (people.data?.pages ?? []).flatMap((p) => p.items).filter((p) => !exclude.includes(p.id)).map((p) => ({ value: p.id, label: `${p.displayName} <${p.email}>` }));
  return (
    <Modal opened onClose={onClose} title={title} centered closeButtonProps={{ "aria-label": "Close" }}>
      <Stack gap="md">
        <Select
          label="New owner"
          placeholder="Search people"
          searchable
          searchValue={q}
          onSearchChange={setQ}
          data={options}
          value={chosen}
          onChange={setChosen}
          nothingFoundMessage={people.isPending ? "Loading…" : "Nobody active matches"}
        />
        <Text size="sm" c="dimmed">
          They are notified and must accept in the console; once they do, every credential reference of the bot becomes due for rotation.
        </Text>
        {mutation.isError && <MutationErrorAlert error={mutation.error} title="The transfer was not offered" />}
        <Button disabled={!chosen} loading={mutation.isPending} onClick={() => chosen && onChoose(chosen)}>
          Offer the transfer
        </Button>
      </Stack>
    </Modal>
  );
}

/**
 * IT's choice for one case, or (`bulk`) for every open case of a person: transfer to the proposed
 * owner (the former owner's manager) or someone else, or offboard (confirmed: it pauses the bots,
 * revokes their tokens and credential references, and removes their access at once).
 */
export function PlanActions({ cases, mutation, bulk }: { cases: TOffboardingCaseSummary[]; mutation: Mutation; bulk: boolean }) {
  const [confirmOffboard, setConfirmOffboard] = useState(false);
  const [choosing, setChoosing] = useState(false);
  const proposed = cases.find((c) => c.proposedOwner)?.proposedOwner ?? null;
  const inOffboarding = cases.some((c) => c.plan === "offboard");
  const n = cases.length;
  const what = bulk ? `all ${n} bot${n === 1 ? "" : "s"}` : (cases[0]?.bot ?? "the bot");
  const close = () => {
    mutation.reset();
    setConfirmOffboard(false);
    setChoosing(false);
  };
  return (
    <>
      <Group gap="xs">
        {proposed && !inOffboarding && (
          <Button size="xs" variant="light" loading={mutation.isPending && !confirmOffboard && !choosing} onClick={() => mutation.mutate({ plan: "transfer", toPersonId: proposed.id })}>
            {bulk ? `Transfer all to ${proposed.displayName}` : `Transfer to ${proposed.displayName}`}
          </Button>
        )}
        {!inOffboarding && (
          <Button size="xs" variant="subtle" onClick={() => setChoosing(true)}>
            {bulk ? "Transfer all to…" : "Transfer to…"}
          </Button>
        )}
        <Button size="xs" color="red" variant="light" onClick={() => setConfirmOffboard(true)}>
          {bulk ? "Offboard all" : inOffboarding ? "Rerun offboarding" : "Offboard"}
        </Button>
      </Group>
      {!confirmOffboard && !choosing && mutation.isError && <MutationErrorAlert error={mutation.error} title="The plan was not applied" />}
      <ConfirmDialog
        opened={confirmOffboard}
        title={`Offboard ${what}?`}
        confirmLabel={bulk ? "Offboard all" : "Offboard"}
        loading={mutation.isPending}
        error={mutation.isError ? mutation.error : undefined}
        onCancel={close}
        onConfirm={() => mutation.mutate({ plan: "offboard" }, { onSuccess: close })}
      >
        Bridle pauses {bulk ? "each bot" : "it"} (every decision denied from the next request), revokes its runtime tokens and credential references (each listed for rotation in
        its vault), and removes its grants and channels, at once. You then record the destruction of its runtime and the archival of its workspace.
      </ConfirmDialog>
      {choosing && (
        <ChooseOwnerModal
          title={bulk ? `Transfer ${what} to…` : `Transfer ${what} to…`}
          exclude={cases.map((c) => c.formerOwner?.id ?? "")}
          mutation={mutation}
          onClose={close}
          onChoose={(toPersonId) => mutation.mutate({ plan: "transfer", toPersonId }, { onSuccess: close })}
        />
      )}
    </>
  );
}
