import { Badge, Code, Group, List, Stack, Text, ThemeIcon } from "@mantine/core";
import type { MantineColor } from "@mantine/core";
import type { TApprovalEffect, TApprovalReason } from "../schemas.ts";

/** Reason codes that stop a request or need attention, and those that say all is well. */
const PROBLEM_CODES = new Set([
  "golden_rule_exception_needed",
  "grant_exists",
  "exception_not_needed",
  "exception_incomplete",
  "exception_expiry_past",
  "owner_unknown",
  "owner_inactive",
  "same_owner",
  "payload_unreadable",
]);
const ATTENTION_CODES = new Set(["adds_internal_data", "adds_external_communication"]);
const FINE_CODES = new Set(["within_golden_rule", "covered_by_exception", "exception_covers", "owner_accountable"]);

function reasonColor(code: string): MantineColor {
  if (PROBLEM_CODES.has(code)) return "red";
  if (ATTENTION_CODES.has(code)) return "orange";
  if (FINE_CODES.has(code)) return "teal";
  return "blue";
}

/** What approval would change: the summary in words and each change. */
export function EffectSummary({ effect }: { effect: TApprovalEffect }) {
  return (
    <Stack gap="xs">
      <Text size="sm" fw={600}>
        {effect.summary}
      </Text>
      {effect.changes.length > 0 && (
        <List size="sm" spacing={2} aria-label="Changes">
          {effect.changes.map((change) => (
            <List.Item key={change}>{change}</List.Item>
          ))}
        </List>
      )}
    </Stack>
  );
}

/** The policy's reasons, each with its rule. */
export function ReasonList({ reasons }: { reasons: TApprovalReason[] }) {
  if (reasons.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        The policy gives no reasons.
      </Text>
    );
  }
  return (
    <List size="sm" spacing={6} aria-label="Reasons" center>
      {reasons.map((reason) => (
        <List.Item
          key={`${reason.code}-${reason.message}`}
          icon={<ThemeIcon color={reasonColor(reason.code)} size={10} radius="xl" aria-hidden />}
          data-reason={reason.code}
        >
          <Group gap={6} wrap="wrap">
            <Text size="sm" span>
              {reason.message}
            </Text>
            <Badge variant="outline" color="gray" radius="sm" size="xs" tt="none">
              <Code fz={10} bg="transparent">
                {reason.rule}
              </Code>
            </Badge>
          </Group>
        </List.Item>
      ))}
    </List>
  );
}
