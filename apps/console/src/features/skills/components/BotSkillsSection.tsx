import type { TBot } from "@bridle/contracts";
import { Button, Code, Group, Modal, Stack, Table, TagsInput, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { AnchorLink } from "../../../components/links.tsx";
import { MutationErrorAlert } from "../../../components/MutationErrorAlert.tsx";
import { ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { errorLookup, formIssues } from "../../../lib/form-errors.ts";
import { useUpdateBot } from "../../bots/queries.ts";
import { useBotSkills, useSkillRefs } from "../queries.ts";
import { SkillStateBadge } from "./SkillBadges.tsx";

/**
 * A bot's skills: its allowed tools (`name@version`, the runtime profile's list) with how each
 * stands in the registry. Whoever manages the bot edits the list, picking registry versions.
 */
export function BotSkillsSection({ bot, mayEdit }: { bot: TBot; mayEdit: boolean }) {
  const skills = useBotSkills(bot.id, bot.version);
  const [opened, edit] = useDisclosure(false);
  if (skills.isPending) return <LoadingBlock label="Loading the bot's skills" />;
  if (skills.isError) return <ErrorBlock title="Could not load the bot's skills" error={skills.error} onRetry={() => void skills.refetch()} />;
  return (
    <Stack gap="sm">
      {skills.data.items.length === 0 ? (
        <Text size="sm" c="dimmed">
          No allowed tools or skills. A bot runs only the tools listed here, each an approved version from the <AnchorLink to="/skills">skills registry</AnchorLink>.
        </Text>
      ) : (
        <Table aria-label="Skills" verticalSpacing="xs" withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Tool or skill</Table.Th>
              <Table.Th>In the registry</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {skills.data.items.map((s) => (
              <Table.Tr key={s.tool} data-testid="bot-skill" data-tool={s.tool}>
                <Table.Td>
                  <Code>{s.tool}</Code>
                </Table.Td>
                <Table.Td>
                  <SkillStateBadge state={s.state} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {mayEdit && (
        <Group>
          <Button size="xs" variant="default" onClick={edit.open}>
            Edit skills
          </Button>
        </Group>
      )}
      <Modal opened={opened} onClose={edit.close} title={`Skills of ${bot.name}`} size="lg" closeButtonProps={{ "aria-label": "Close" }}>
        {opened && <EditSkills bot={bot} onClose={edit.close} />}
      </Modal>
    </Stack>
  );
}

function EditSkills({ bot, onClose }: { bot: TBot; onClose: () => void }) {
  const refs = useSkillRefs();
  const update = useUpdateBot(bot.id);
  const [tools, setTools] = useState<string[]>(bot.runtimeProfile.allowedTools ?? []);
  const approved = (refs.data ?? []).filter((r) => r.status === "approved").map((r) => r.ref);
  const errorAt = errorLookup(formIssues(update.error));
  const save = () =>
    update.mutate(
      { runtimeProfile: { ...bot.runtimeProfile, allowedTools: tools }, version: bot.version },
      {
        onSuccess: () => {
          notifications.show({ color: "teal", title: "Skills saved", message: `${bot.name}'s findings were recomputed.` });
          onClose();
        },
      },
    );
  return (
    <Stack gap="md">
      <TagsInput
        label="Allowed tools and skills"
        description="Pick approved registry versions (name@version). Anything else raises a finding until security approves it."
        data={approved}
        value={tools}
        onChange={(value) => {
          update.reset();
          setTools(value);
        }}
        clearable
        error={errorAt("runtimeProfile.allowedTools")}
        data-autofocus
      />
      {update.error != null && <MutationErrorAlert error={update.error} title="Could not save the skills" />}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose} disabled={update.isPending}>
          Cancel
        </Button>
        <Button onClick={save} loading={update.isPending}>
          Save
        </Button>
      </Group>
    </Stack>
  );
}
