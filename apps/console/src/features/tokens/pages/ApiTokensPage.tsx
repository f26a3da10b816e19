import { PERMISSION_LABELS } from "@bridle/contracts";
import type { TApiToken, TPermission } from "@bridle/contracts";
import { Button, MultiSelect, Paper, Select } from "@mantine/core";
import { useState } from "react";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { TokenFlowDialogs, useTokenFlow } from "../../../components/TokenFlow.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { errorLookup, formIssues } from "../../../lib/form-errors.ts";
import { useMe } from "../../auth/queries.ts";
import { ApiTokensTable } from "../components/ApiTokensTable.tsx";
import { useApiTokens, useCreateApiToken, useRevokeApiToken } from "../queries.ts";
import type { CreateApiTokenInput } from "../queries.ts";

const EXPIRY_OPTIONS = [
  { value: "7", label: "7 days" },
  { value: "30", label: "30 days" },
  { value: "90", label: "90 days" },
  { value: "180", label: "180 days" },
  { value: "365", label: "1 year" },
];

/** Personal API tokens: for scripts that act as you, with at most your permissions, always expiring. */
export function ApiTokensPage() {
  const me = useMe();
  const tokens = useApiTokens();
  const create = useCreateApiToken();
  const revoke = useRevokeApiToken();
  const flow = useTokenFlow<TApiToken, CreateApiTokenInput>(create, revoke);
  const [scopes, setScopes] = useState<TPermission[]>([]);
  const [expiresInDays, setExpiresInDays] = useState("30");

  const myPermissions = me.data?.permissions ?? [];
  const scopeOptions = myPermissions.map((permission) => ({ value: permission, label: `${PERMISSION_LABELS[permission]} (${permission})` }));
  const errorAt = errorLookup(formIssues(create.error));

  const openCreate = () => {
    setScopes([]);
    setExpiresInDays("30");
    flow.openCreate();
  };

  const body = () => {
    if (tokens.isPending) return <LoadingBlock label="Loading API tokens" />;
    if (tokens.isError) return <ErrorBlock title="Could not load your API tokens" error={tokens.error} onRetry={() => void tokens.refetch()} />;
    if (tokens.data.length === 0) {
      return (
        <EmptyBlock
          title="You have no API tokens"
          description="Create one for a script or an automation that calls the Bridle API as you."
        />
      );
    }
    return <ApiTokensTable tokens={tokens.data} onRevoke={flow.requestRevoke} />;
  };

  return (
    <>
      <PageHeader
        title="API tokens"
        description="Tokens for scripts that call the Bridle API as you. Each has at most your permissions and always expires."
        actions={<Button onClick={openCreate}>Create token</Button>}
      />
      <Paper withBorder radius="md" p="lg">
        {body()}
      </Paper>

      <TokenFlowDialogs
        flow={flow}
        noun="API token"
        nameDescription="What the token is for, e.g. nightly inventory export"
        canSubmit={scopes.length > 0}
        createInput={(name) => ({ name, scopes, expiresInDays: Number(expiresInDays) })}
        revokeMessage={(name) => `Anything using "${name}" will get 401 from its next request.`}
      >
        <MultiSelect
          label="Scopes"
          description="Choose at least one. A token can do only what you can; give it no more than the script needs."
          placeholder={scopes.length === 0 ? "Choose permissions" : undefined}
          data={scopeOptions}
          value={scopes}
          onChange={(value) => setScopes(value as TPermission[])}
          error={errorAt("scopes")}
          clearable
          comboboxProps={{ withinPortal: true }}
        />
        <Select
          label="Expires in"
          data={EXPIRY_OPTIONS}
          value={expiresInDays}
          onChange={(value) => value && setExpiresInDays(value)}
          allowDeselect={false}
          error={errorAt("expiresInDays")}
          w={200}
        />
      </TokenFlowDialogs>
    </>
  );
}
