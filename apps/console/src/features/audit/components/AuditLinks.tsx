import { ZAuditEventPage } from "@bridle/contracts";
import { Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { AnchorLink, ButtonLink } from "../../../components/links.tsx";
import { api } from "../../../lib/api.ts";
import { useCan } from "../../auth/permissions.tsx";
import { policyVersions } from "../diff.ts";
import { auditKeys } from "../queries.ts";

/** The audit log filtered to changes of the org policy (shared with the policy page's History link). */
export const POLICY_HISTORY_SEARCH = { action: "policy.update", resourceType: "org_policy" } as const;

/**
 * On the org policy page, for people who read the audit log: who made the current version, one
 * click from the event and its diff. Shows nothing to others, or when a gated-action change (which
 * also bumps the version) made the current one.
 */
export function PolicyChangedBy({ version }: { version: number }) {
  const can = useCan();
  const allowed = can("audit.read");
  const latest = useQuery({
    queryKey: [...auditKeys.lists(), "policy-latest", version],
    queryFn: ({ signal }) => api.get("/api/v1/audit-events", ZAuditEventPage, { ...POLICY_HISTORY_SEARCH, outcome: "success", limit: 1 }, signal),
    enabled: allowed,
    select: (page) => page.items[0] ?? null,
    retry: false,
  });
  const event = latest.data;
  if (!allowed || !event || policyVersions(event.details).after !== version) return null;
  return (
    <Text span size="xs" c="dimmed" data-testid="policy-changed-by">
      {" "}
      by{" "}
      <AnchorLink to="/audit/$eventId" params={{ eventId: event.id }} size="xs" title={`Who changed the org policy to version ${version}, and what changed`}>
        {event.actor.label ?? "Bridle"}
      </AnchorLink>
    </Text>
  );
}

/** "History": the audit log filtered to the org policy's changes (`audit.read` only). */
export function PolicyHistoryLink() {
  const can = useCan();
  if (!can("audit.read")) return null;
  return (
    <ButtonLink to="/audit" search={POLICY_HISTORY_SEARCH} variant="default" title="Every change of the org policy, in the audit log">
      History
    </ButtonLink>
  );
}

/**
 * "Audit history" on a bot's or a person's page, for people who read the audit log: the log
 * filtered to that bot (`botId`) or to what that person did (`actorId`).
 */
export function AuditHistoryLink({ search }: { search: { botId: string } | { actorId: string } }) {
  const can = useCan();
  if (!can("audit.read")) return null;
  return (
    <ButtonLink to="/audit" search={search} variant="default">
      Audit history
    </ButtonLink>
  );
}
