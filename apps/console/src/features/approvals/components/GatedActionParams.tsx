import { parseApprovalPayload, type TApprovalPayloadOf, type TApprovalRequest } from "@bridle/contracts";
import { Alert, Blockquote, Code, Stack, Text, Title } from "@mantine/core";

export type GatedActionPayload = Extract<TApprovalPayloadOf, { kind: "gated_action" }>["payload"];

/** The gated action's payload as stored by the server, or null for other kinds (or an unreadable one). */
export function gatedPayloadOf(request: TApprovalRequest): GatedActionPayload | null {
  const parsed = parseApprovalPayload(request.kind, request.payload);
  return parsed?.kind === "gated_action" ? parsed.payload : null;
}

const mono = { whiteSpace: "pre-wrap", overflowWrap: "anywhere" } as const;

/**
 * What a gated action will do, as the server stored it when the runtime asked: first the shell
 * command and the parameters the approval is bound to, in full, exactly as hashed (secrets cut
 * out by the server's scanner); then, second and labelled as such, the bot's own description.
 * Nothing here is recomputed: `command` and `paramsText` are shown as the API sends them.
 */
export function GatedActionParams({ payload }: { payload: GatedActionPayload }) {
  return (
    <Stack gap="md">
      {payload.command !== null && (
        <Stack gap={4}>
          <Title order={3} fz="sm">
            Command the runtime will run
          </Title>
          <Code block data-testid="approval-command" aria-label="Command the runtime will run" style={mono} fz="sm">
            {`$ ${payload.command}`}
          </Code>
        </Stack>
      )}
      <Stack gap={4}>
        <Title order={3} fz="sm">
          Parameters this approval is bound to
        </Title>
        <Text size="xs" c="dimmed">
          What the runtime sent, in full, as the approval is bound to them: it must send exactly these to act, or it is refused.
        </Text>
        <Code block data-testid="approval-params" aria-label="Parameters this approval is bound to" style={mono}>
          {payload.paramsText}
        </Code>
        {payload.paramsRedacted.length > 0 && (
          <Alert color="gray" variant="light" p="xs" data-testid="approval-params-redacted">
            <Text size="xs">
              Secrets were cut out before the request was stored, so nobody sees them:{" "}
              {payload.paramsRedacted.map((r) => `${r.path === "" ? "(the value)" : r.path} (rule ${r.rule})`).join(", ")}.
            </Text>
          </Alert>
        )}
      </Stack>
      <Stack gap={4} data-testid="approval-bot-summary">
        <Title order={3} fz="sm">
          The bot's own description (unverified)
        </Title>
        {payload.paramsSummary ? (
          <>
            <Text size="xs" c="dimmed">
              Written by the bot, not checked by Bridle: approve what the parameters above say, not this.
            </Text>
            <Blockquote p="xs" color="gray" fz="sm" style={{ whiteSpace: "pre-wrap" }}>
              {payload.paramsSummary}
            </Blockquote>
          </>
        ) : (
          <Text size="sm" c="dimmed">
            The bot gave none.
          </Text>
        )}
      </Stack>
    </Stack>
  );
}

/**
 * The first `n` lines of a text (at most `maxChars` characters), and whether more follow: for
 * restating parameters where the page already shows them in full.
 */
export function firstLines(text: string, n: number, maxChars = 600): { lines: string; more: boolean } {
  const all = text.split("\n");
  const lines = all.slice(0, n).join("\n");
  return lines.length > maxChars ? { lines: lines.slice(0, maxChars), more: true } : { lines, more: all.length > n };
}
