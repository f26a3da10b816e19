import { Button, Group, NumberInput, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { TokenFlowDialogs, useTokenFlow } from "../../../components/TokenFlow.tsx";
import { ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { isMissingEndpoint } from "../../../lib/api.ts";
import { errorLookup, formIssues } from "../../../lib/form-errors.ts";
import { useBotTokens, useCreateBotToken, useRevokeBotToken } from "../queries.ts";
import type { CreateBotTokenInput, TBotToken } from "../queries.ts";
import { BotTokensTable } from "./BotTokensTable.tsx";

const DEFAULT_EXPIRY_DAYS = 90;

/**
 * "Runtime tokens" on the bot page (the owner, or `bots.write_all`): the credentials the bot's
 * agent runtime sends when it asks Bridle for a decision. Shown once, always expiring, revocable at once.
 */
export function BotTokensSection({ botId, botName, offboarded }: { botId: string; botName: string; offboarded: boolean }) {
  const tokens = useBotTokens(botId);
  const create = useCreateBotToken(botId);
  const revoke = useRevokeBotToken(botId);
  const flow = useTokenFlow<TBotToken, CreateBotTokenInput>(create, revoke);
  const [expiresInDays, setExpiresInDays] = useState<number | "">(DEFAULT_EXPIRY_DAYS);
  const errorAt = errorLookup(formIssues(create.error));

  const openCreate = () => {
    setExpiresInDays(DEFAULT_EXPIRY_DAYS);
    flow.openCreate();
  };

  const body = () => {
    if (tokens.isPending) return <LoadingBlock label="Loading runtime tokens" />;
    if (tokens.isError) {
      if (isMissingEndpoint(tokens.error)) {
        return (
          <Text size="sm" c="dimmed">
            Runtime tokens are not available on this server.
          </Text>
        );
      }
      return <ErrorBlock title="Could not load runtime tokens" error={tokens.error} onRetry={() => void tokens.refetch()} />;
    }
    if (tokens.data.length === 0) {
      return (
        <Text size="sm" c="dimmed">
          No runtime tokens. Create one for the bot's agent runtime, so it can ask Bridle before gated actions.
        </Text>
      );
    }
    return <BotTokensTable tokens={tokens.data} onRevoke={flow.requestRevoke} />;
  };

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-start">
        <Text size="sm" c="dimmed" maw={640}>
          The runtime sends this token with each decision request. Each token belongs to this bot only, always expires, and is shown once.
        </Text>
        <Button onClick={openCreate} disabled={offboarded} title={offboarded ? "An offboarded bot gets no runtime tokens" : undefined}>
          Create runtime token
        </Button>
      </Group>
      {body()}

      <TokenFlowDialogs
        flow={flow}
        noun="runtime token"
        nameDescription={`Where the runtime runs, e.g. ${botName} on k8s prod-eu`}
        canSubmit={typeof expiresInDays === "number" && expiresInDays >= 1 && expiresInDays <= 365}
        createInput={(name) => ({ name, expiresInDays: Number(expiresInDays) })}
        revokeMessage={(name) => `A runtime using "${name}" gets 401 from its next decision request.`}
      >
        <NumberInput
          label="Expires in days"
          description="1 to 365 days. Create a new token before this one expires."
          value={expiresInDays}
          onChange={(value) => setExpiresInDays(typeof value === "number" ? value : "")}
          min={1}
          max={365}
          allowDecimal={false}
          clampBehavior="strict"
          error={errorAt("expiresInDays")}
          w={220}
        />
      </TokenFlowDialogs>
    </Stack>
  );
}
