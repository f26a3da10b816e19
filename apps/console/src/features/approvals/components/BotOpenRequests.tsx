import { Group, Stack, Text } from "@mantine/core";
import { AnchorLink } from "../../../components/links.tsx";
import { ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { isMissingEndpoint } from "../../../lib/api.ts";
import { useBotOpenRequests } from "../queries.ts";
import { ApprovalTable } from "./ApprovalTable.tsx";

/** The bot page's pending approval requests (GET /api/v1/approval-requests?bot=<id>&status=pending). */
export function BotOpenRequests({ botId, botName }: { botId: string; botName: string }) {
  const requests = useBotOpenRequests(botId);

  const body = () => {
    if (requests.isPending) return <LoadingBlock label="Loading approval requests" />;
    if (requests.isError) {
      if (isMissingEndpoint(requests.error)) {
        return (
          <Text size="sm" c="dimmed">
            Approval requests are not available on this server.
          </Text>
        );
      }
      return <ErrorBlock title="Could not load this bot's approval requests" error={requests.error} onRetry={() => void requests.refetch()} />;
    }
    if (requests.data.items.length === 0) {
      return (
        <Text size="sm" c="dimmed">
          No open requests for this bot.
        </Text>
      );
    }
    return <ApprovalTable requests={requests.data.items} label="Open approval requests" showBot={false} showStatus={false} />;
  };

  return (
    <Stack gap="sm">
      {body()}
      <Group>
        <AnchorLink to="/approvals" search={{ bot: botName, status: "all" }} size="sm">
          All requests for this bot
        </AnchorLink>
      </Group>
    </Stack>
  );
}
