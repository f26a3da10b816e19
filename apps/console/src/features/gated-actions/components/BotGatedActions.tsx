import type { TGatedAction } from "@bridle/contracts";
import { Badge, Button, Code, Group, Stack, Table, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { ConfirmDialog } from "../../../components/ConfirmDialog.tsx";
import { ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { isMissingEndpoint } from "../../../lib/api.ts";
import { useCan } from "../../auth/permissions.tsx";
import { MODE_COLORS, MODE_LABELS, ROLE_NAMES, approvalsText, minutesText, ruleText } from "../labels.ts";
import { useBotGatedActions, useRemoveBotOverride } from "../queries.ts";
import type { TBotGatedActionItem, TGatedActionOverride } from "../queries.ts";
import { OverrideModal } from "./OverrideModal.tsx";

function OverrideText({ override }: { override: TGatedActionOverride | null }) {
  const parts = override
    ? [
        override.mode !== null ? MODE_LABELS[override.mode] : null,
        override.approverRole !== null ? `approver ${ROLE_NAMES[override.approverRole]}` : null,
        override.approvalsRequired !== null ? approvalsText(override.approvalsRequired) : null,
        override.requestTtlMinutes !== null ? `expires after ${minutesText(override.requestTtlMinutes)}` : null,
      ].filter((part): part is string => part !== null)
    : [];
  if (parts.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        None
      </Text>
    );
  }
  return <Text size="sm">{parts.join(" · ")}</Text>;
}

function EffectiveCell({ item }: { item: TBotGatedActionItem }) {
  const { effective } = item;
  const differs = JSON.stringify(effective) !== JSON.stringify(item.rule);
  return (
    <Stack gap={2}>
      <Group gap={6}>
        <Badge variant="light" color={MODE_COLORS[effective.mode]} radius="sm">
          {MODE_LABELS[effective.mode]}
        </Badge>
        {differs && (
          <Badge variant="outline" color="grape" radius="sm" size="xs">
            Overridden
          </Badge>
        )}
      </Group>
      {effective.mode === "require_approval" && (
        <Text size="xs" c="dimmed">
          {ROLE_NAMES[effective.approverRole]} · {approvalsText(effective.approvalsRequired)} · {minutesText(effective.requestTtlMinutes)}
        </Text>
      )}
    </Stack>
  );
}

/**
 * The bot page's "Gated actions for this bot": the org's rule, this bot's override and what
 * applies. Admins and IT edit overrides (tighten only); everyone who reads the bot sees them.
 */
export function BotGatedActions({ botId }: { botId: string }) {
  const can = useCan();
  const items = useBotGatedActions(botId);
  const remove = useRemoveBotOverride(botId);
  const [editing, setEditing] = useState<TBotGatedActionItem | null>(null);
  const [removing, setRemoving] = useState<TGatedAction | null>(null);
  const isAdmin = can("policy.update");
  const editable = isAdmin || can("bots.write_all");

  if (items.isPending) return <LoadingBlock label="Loading gated actions" />;
  if (items.isError) {
    if (isMissingEndpoint(items.error)) {
      return (
        <Text size="sm" c="dimmed">
          Gated-action rules are not available on this server.
        </Text>
      );
    }
    return <ErrorBlock title="Could not load this bot's gated actions" error={items.error} onRetry={() => void items.refetch()} />;
  }
  const closeRemove = () => {
    setRemoving(null);
    remove.reset();
  };

  return (
    <>
      <Table.ScrollContainer minWidth={900}>
        <Table aria-label="Gated actions for this bot" verticalSpacing="xs" withTableBorder striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Action</Table.Th>
              <Table.Th>Org rule</Table.Th>
              <Table.Th>Override</Table.Th>
              <Table.Th>Effective</Table.Th>
              {editable && <Table.Th>Override actions</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.data.map((item) => (
              <Table.Tr key={item.rule.action} data-action={item.rule.action}>
                <Table.Td>
                  <Code fw={600}>{item.rule.action}</Code>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{ruleText(item.rule)}</Text>
                </Table.Td>
                <Table.Td>
                  <OverrideText override={item.override} />
                </Table.Td>
                <Table.Td>
                  <EffectiveCell item={item} />
                </Table.Td>
                {editable && (
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <Button size="xs" variant="default" onClick={() => setEditing(item)} aria-label={`Override ${item.rule.action}`}>
                        {item.override ? "Edit" : "Override"}
                      </Button>
                      {item.override && (
                        <Button size="xs" variant="subtle" color="red" onClick={() => setRemoving(item.rule.action)} aria-label={`Remove override of ${item.rule.action}`}>
                          Remove
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {editable && <OverrideModal botId={botId} item={editing} isAdmin={isAdmin} onClose={() => setEditing(null)} />}
      <ConfirmDialog
        opened={removing !== null}
        title="Remove this override?"
        confirmLabel="Remove override"
        color="orange"
        loading={remove.isPending}
        error={remove.isError ? remove.error : undefined}
        onConfirm={() =>
          removing &&
          remove.mutate(removing, {
            onSuccess: () => {
              notifications.show({ color: "gray", title: "Override removed", message: `The org's rule for ${removing} applies to this bot again.` });
              closeRemove();
            },
          })
        }
        onCancel={closeRemove}
      >
        {`The org's rule for ${removing ?? ""} applies to this bot again.`}
      </ConfirmDialog>
    </>
  );
}
