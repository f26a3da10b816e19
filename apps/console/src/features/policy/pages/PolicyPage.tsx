import { Badge, Group, Text } from "@mantine/core";
import { ButtonLink } from "../../../components/links.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { formatDateTime } from "../../../lib/format.ts";
import { PolicyChangedBy, PolicyHistoryLink } from "../../audit/components/AuditLinks.tsx";
import { PolicyForm } from "../components/PolicyForm.tsx";
import { PolicyVersions } from "../components/PolicyVersions.tsx";
import { usePolicy } from "../queries.ts";

/** Org policy: naming rule, bot email domain, channels, review cadence and system classifications; gated actions have their own page. */
export function PolicyPage() {
  const policy = usePolicy();
  const data = policy.data;

  return (
    <>
      <PageHeader
        title="Org policy"
        description="The rules every bot is checked against. Saving recomputes every bot's findings."
        actions={
          <Group gap="md">
            {data && (
              <Group gap="xs">
                <Badge size="lg" variant="light" radius="sm" data-testid="policy-version">
                  Version {data.policy.version}
                </Badge>
                <Text size="xs" c="dimmed">
                  Updated {formatDateTime(data.policy.updatedAt)}
                  <PolicyChangedBy version={data.policy.version} />
                </Text>
              </Group>
            )}
            <PolicyHistoryLink />
            <ButtonLink to="/policy/gated-actions" variant="default">
              Gated actions
            </ButtonLink>
          </Group>
        }
      />
      {policy.isPending && <LoadingBlock label="Loading policy" />}
      {policy.isError && <ErrorBlock title="Could not load the org policy" error={policy.error} onRetry={() => void policy.refetch()} />}
      {/* Keyed by version so a save (or someone else's) starts the form from the stored policy. */}
      {data && <PolicyForm key={data.policy.version} data={data} />}
      <PolicyVersions kind="policy" />
    </>
  );
}
