import { Alert, Button, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { CopyField } from "../../../components/CopyField.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { TokenFlowDialogs, useTokenFlow } from "../../../components/TokenFlow.tsx";
import { useCreateScimToken, useIdentitySettings, useRevokeScimToken, useScimTokens } from "../queries.ts";
import type { TScimToken } from "../queries.ts";
import { ScimTokensTable } from "./ScimTokensTable.tsx";

/** Where the identity provider sends SCIM requests, and the bearer tokens it sends them with. */
export function ScimTab({ onOpenSso }: { onOpenSso: () => void }) {
  const settings = useIdentitySettings();
  const tokens = useScimTokens();
  const create = useCreateScimToken();
  const revoke = useRevokeScimToken();
  const flow = useTokenFlow<TScimToken, string>(create, revoke);
  const baseUrl = `${window.location.origin}/scim/v2`;

  const body = () => {
    if (tokens.isPending) return <LoadingBlock label="Loading SCIM tokens" />;
    if (tokens.isError) return <ErrorBlock title="Could not load the SCIM tokens" error={tokens.error} onRetry={() => void tokens.refetch()} />;
    if (tokens.data.length === 0) {
      return <EmptyBlock title="No SCIM tokens yet" description="Create one and paste it into your identity provider's provisioning settings." />;
    }
    return <ScimTokensTable tokens={tokens.data} onRevoke={flow.requestRevoke} />;
  };

  return (
    <Stack gap="lg">
      {settings.data && !settings.data.scimEnabled && (
        <Alert color="blue" variant="light" title="SCIM provisioning is off" data-testid="scim-disabled">
          <Stack gap="xs" align="flex-start">
            <Text size="sm">Requests to the SCIM endpoint are refused until you turn it on.</Text>
            <Button size="xs" variant="default" onClick={onOpenSso}>
              Turn it on under Single sign-on
            </Button>
          </Stack>
        </Alert>
      )}
      <Paper withBorder radius="md" p="lg" component="section" aria-label="SCIM endpoint">
        <Title order={2} fz="h4" mb={4}>
          SCIM endpoint
        </Title>
        <Text size="sm" c="dimmed" mb="md">
          Your identity provider (Okta, Entra ID, ...) creates, updates and deactivates people and teams here. A deactivated
          person's bots are flagged for transfer or offboarding.
        </Text>
        <CopyField label="SCIM base URL" description="Paste this into your identity provider's SCIM connector" value={baseUrl} />
      </Paper>

      <Paper withBorder radius="md" p="lg" component="section" aria-label="SCIM tokens">
        <Group justify="space-between" mb="md">
          <Stack gap={4}>
            <Title order={2} fz="h4">
              SCIM tokens
            </Title>
            <Text size="sm" c="dimmed">
              The identity provider sends one as a bearer token. Give each connector its own, and revoke it when you remove the
              connector.
            </Text>
          </Stack>
          <Button onClick={flow.openCreate}>Create SCIM token</Button>
        </Group>
        {body()}
      </Paper>

      <TokenFlowDialogs
        flow={flow}
        noun="SCIM token"
        nameDescription="e.g. Okta production"
        createInput={(name) => name}
        revokeMessage={(name) => `The identity provider using "${name}" can no longer provision people or teams until it gets a new token.`}
      />
    </Stack>
  );
}
