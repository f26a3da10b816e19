import { Tabs } from "@mantine/core";
import { getRouteApi } from "@tanstack/react-router";
import { AnchorLink } from "../../../components/links.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { RequirePermission, useCan } from "../../auth/permissions.tsx";
import { NotificationSettingsTab } from "../../notifications/components/NotificationSettingsTab.tsx";
import { ScimTab } from "../components/ScimTab.tsx";
import { SessionsTab } from "../components/SessionsTab.tsx";
import { SsoTab } from "../components/SsoTab.tsx";
import type { SettingsTab } from "../search.ts";

const route = getRouteApi("/settings");

/** Settings for admins (`identity.manage`): SSO and role mapping, sessions, SCIM provisioning; and the org's notification channels (`notifications.manage`). */
export function SettingsPage() {
  return (
    <RequirePermission permission="identity.manage">
      <Settings />
    </RequirePermission>
  );
}

function Settings() {
  const can = useCan();
  const tab: SettingsTab = route.useSearch().tab ?? "sso";
  const navigate = route.useNavigate();
  const select = (next: SettingsTab) => void navigate({ search: { tab: next === "sso" ? undefined : next }, replace: true });

  return (
    <>
      <PageHeader
        title="Settings"
        description={
          <>
            How people sign in, how long sessions last, how your identity provider provisions people, and where notifications go. Personal tokens are under{" "}
            <AnchorLink to="/settings/tokens" size="sm">
              API tokens
            </AnchorLink>
            .
          </>
        }
      />
      <Tabs value={tab} onChange={(value) => value && select(value as SettingsTab)} keepMounted={false}>
        <Tabs.List mb="lg">
          <Tabs.Tab value="sso">Single sign-on</Tabs.Tab>
          <Tabs.Tab value="sessions">Sessions</Tabs.Tab>
          <Tabs.Tab value="scim">SCIM provisioning</Tabs.Tab>
          {can("notifications.manage") && <Tabs.Tab value="notifications">Notifications</Tabs.Tab>}
        </Tabs.List>
        <Tabs.Panel value="sso">
          <SsoTab />
        </Tabs.Panel>
        <Tabs.Panel value="sessions">
          <SessionsTab />
        </Tabs.Panel>
        <Tabs.Panel value="scim">
          <ScimTab onOpenSso={() => select("sso")} />
        </Tabs.Panel>
        {can("notifications.manage") && (
          <Tabs.Panel value="notifications">
            <NotificationSettingsTab />
          </Tabs.Panel>
        )}
      </Tabs>
    </>
  );
}
