import { ZOpenClawAgentId, type TOpenClawConfig } from "@bridle/contracts";
import { Badge, Button, Code, CopyButton, Group, SegmentedControl, Stack, Table, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { useBotOpenClawConfig } from "../queries.ts";

type Scope = "gateway" | "agent";

/** One row per Bridle action: the OpenClaw tools it covers, allowed or denied, and why. */
function byAction(tools: TOpenClawConfig["tools"]) {
  const rows = new Map<string, { action: string; tools: string[]; allowed: boolean; reason: string }>();
  for (const t of tools) {
    const row = rows.get(t.action);
    if (row) row.tools.push(t.tool);
    else rows.set(t.action, { action: t.action, tools: [t.tool], allowed: t.allowed, reason: t.reason });
  }
  return [...rows.values()];
}

/**
 * "Static floor (OpenClaw)": the openclaw.json fragment Bridle generates from the bot's record
 * (GET /api/v1/bots/{id}/openclaw-config), to copy or download, with what it allows and why.
 */
export function OpenClawFloorSection({ botId, botName }: { botId: string; botName: string }) {
  const [agentInput, setAgentInput] = useState("main");
  const [scope, setScope] = useState<Scope>("gateway");
  const parsed = ZOpenClawAgentId.safeParse(agentInput);
  const agentId = parsed.success ? parsed.data : "main";
  const query = useBotOpenClawConfig(botId, agentId, scope, parsed.success);
  const downloadHref = `/api/v1/bots/${encodeURIComponent(botId)}/openclaw-config?${new URLSearchParams({ agentId, scope, format: "json5" })}`;

  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        What OpenClaw itself enforces for this bot, even on paths where plugins do not run: the tools it may offer, its exec mode and the
        Bridle plugin entry, generated from the bot&apos;s gated actions, channels and runtime profile. Every call that reaches the plugin is
        still decided by Bridle.
      </Text>
      <Group align="flex-end" gap="md">
        <TextInput
          label="OpenClaw agent id"
          description="The agent that runs this bot"
          value={agentInput}
          onChange={(e) => setAgentInput(e.currentTarget.value)}
          error={parsed.success ? undefined : parsed.error.issues[0]?.message}
          w={220}
        />
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            Scope
          </Text>
          <SegmentedControl
            value={scope}
            onChange={(v) => setScope(v as Scope)}
            data={[
              { value: "gateway", label: "Gateway runs only this bot" },
              { value: "agent", label: "Shared gateway" },
            ]}
            aria-label="Scope"
          />
        </Stack>
      </Group>
      {query.isPending && parsed.success && <LoadingBlock label="Generating the OpenClaw configuration" />}
      {query.isError && <ErrorBlock title="Could not generate the OpenClaw configuration" error={query.error} onRetry={() => void query.refetch()} />}
      {query.data && (
        <>
          <Group gap="xs">
            <Text size="sm">Exec mode:</Text>
            <Badge variant="light" color={query.data.execMode === "deny" ? "red" : "blue"} data-testid="openclaw-exec-mode">
              {query.data.execMode}
            </Badge>
            <Text size="sm" c="dimmed">
              The bot&apos;s token goes in the gateway&apos;s environment as <Code>{query.data.tokenEnv}</Code>, never in the file.
            </Text>
          </Group>
          <Table withTableBorder verticalSpacing={4} fz="sm" aria-label="OpenClaw tools by Bridle action">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Bridle action</Table.Th>
                <Table.Th>OpenClaw tools</Table.Th>
                <Table.Th miw={90}>Floor</Table.Th>
                <Table.Th>Why</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {byAction(query.data.tools).map((row) => (
                <Table.Tr key={row.action}>
                  <Table.Td>
                    <Code>{row.action}</Code>
                  </Table.Td>
                  <Table.Td>{row.tools.join(", ")}</Table.Td>
                  <Table.Td miw={90}>
                    <Badge variant="light" color={row.allowed ? "teal" : "red"} style={{ overflow: "visible" }}>
                      {row.allowed ? "allowed" : "denied"}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{row.reason}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Code block data-testid="openclaw-snippet" style={{ maxHeight: 420, overflow: "auto" }}>
            {query.data.snippet}
          </Code>
          <Group gap="sm">
            <CopyButton value={query.data.snippet} timeout={2000}>
              {({ copied, copy }) => (
                <Button size="compact-sm" variant={copied ? "light" : "default"} color={copied ? "teal" : undefined} onClick={copy}>
                  {copied ? "Copied" : "Copy snippet"}
                </Button>
              )}
            </CopyButton>
            <Button size="compact-sm" variant="default" component="a" href={downloadHref} download={`openclaw.${botName}.json5`}>
              Download openclaw.{botName}.json5
            </Button>
          </Group>
        </>
      )}
    </Stack>
  );
}
