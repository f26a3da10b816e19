import { Button, Group, Modal, NumberInput, SegmentedControl, Select, Stack, TextInput } from "@mantine/core";
import { useState } from "react";
import { MutationErrorAlert } from "../../../components/MutationErrorAlert.tsx";
import { useTeams } from "../../directory/queries.ts";
import { useStartReviewCampaign } from "../queries.ts";

const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

/** Admins start a campaign now: all bots or one team's, a due date and a look-back window. */
export function StartCampaignModal({ opened, onClose, onStarted }: { opened: boolean; onClose: () => void; onStarted: (id: string) => void }) {
  const teams = useTeams();
  const start = useStartReviewCampaign();
  const [name, setName] = useState("");
  const [scope, setScope] = useState<"all" | "team">("all");
  const [teamId, setTeamId] = useState<string | null>(null);
  const [due, setDue] = useState(inDays(14));
  const [lookback, setLookback] = useState<number | string>(90);

  const submit = () =>
    start.mutate(
      {
        ...(name.trim() ? { name: name.trim() } : {}),
        scope,
        ...(scope === "team" && teamId ? { teamId } : {}),
        // End of the chosen day, UTC.
        dueAt: `${due}T23:59:59.000Z`,
        lookbackDays: Number(lookback),
      },
      { onSuccess: (c) => onStarted(c.id) },
    );

  return (
    <Modal opened={opened} onClose={onClose} title="Start an access review" centered closeButtonProps={{ "aria-label": "Close" }}>
      <Stack gap="md">
        <TextInput label="Name" placeholder="Access review (today's date)" value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <SegmentedControl
          aria-label="Bots to review"
          value={scope}
          onChange={(v) => setScope(v as "all" | "team")}
          data={[
            { value: "all", label: "All bots" },
            { value: "team", label: "One team" },
          ]}
        />
        {scope === "team" && (
          <Select
            label="Team"
            placeholder="Choose a team"
            data={(teams.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
            value={teamId}
            onChange={setTeamId}
            searchable
            required
          />
        )}
        <TextInput label="Due date" type="date" value={due} onChange={(e) => setDue(e.currentTarget.value)} required />
        <NumberInput
          label="Look-back window (days)"
          description="A grant no allowed decision used in this window is flagged as unused"
          min={1}
          max={365}
          value={lookback}
          onChange={setLookback}
        />
        {start.error != null && <MutationErrorAlert error={start.error} title="The campaign did not start" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={submit} loading={start.isPending} disabled={scope === "team" && !teamId}>
            Start campaign
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
