import type { TMe, TPermission } from "@bridle/contracts";
import { AppShell, Burger, Group, ScrollArea, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useRouterState } from "@tanstack/react-router";
import { useEffect } from "react";
import type { ReactNode } from "react";
import { NavLinkLink } from "../components/links.tsx";
import { ALERT_COUNT_ID, AlertCountBadge } from "../features/alerts/components/AlertCountBadge.tsx";
import { APPROVAL_COUNT_ID, ApprovalCountBadge } from "../features/approvals/components/ApprovalCountBadge.tsx";
import { BrandMark } from "../features/auth/components/BrandMark.tsx";
import { UserCard } from "../features/auth/components/UserCard.tsx";
import { KillSwitchBanner } from "../features/kill-switch/components/KillSwitchBanner.tsx";
import { NotificationBell } from "../features/notifications/components/NotificationBell.tsx";

type NavItem = {
  label: string;
  to: | "/get-started"
    | "/readiness"
    | "/bots"
    | "/my-bots"
    | "/approvals"
    | "/alerts"
    | "/reviews"
    | "/offboarding"
    | "/incidents"
    | "/findings"
    | "/usage"
    | "/rotation"
    | "/leak-playbooks"
    | "/kill-switch"
    | "/runbook"
    | "/people"
    | "/teams"
    | "/systems"
    | "/skills"
    | "/policy"
    | "/inventory"
    | "/audit"
    | "/siem"
    | "/settings";
  isActive: (path: string) => boolean;
  /** Shown only with one of these permissions; always shown without. */
  needs?: TPermission[];
  /** Shown at the item's end (e.g. a count); its element id describes the link, whose name stays the label. */
  badge?: { node: ReactNode; id: string };
};

const NAV_ITEMS: NavItem[] = [
  { label: "Get started", to: "/get-started", isActive: (path) => path === "/get-started", needs: ["policy.update", "people.manage", "systems.manage"] },
  { label: "Readiness", to: "/readiness", isActive: (path) => path.startsWith("/readiness"), needs: ["bots.read_all"] },
  { label: "Inventory", to: "/bots", isActive: (path) => path === "/" || path === "/bots" || path.startsWith("/bots/") },
  { label: "My bots", to: "/my-bots", isActive: (path) => path.startsWith("/my-bots"), needs: ["bots.own", "bots.write_all"] },
  { label: "Approvals", to: "/approvals", isActive: (path) => path.startsWith("/approvals"), badge: { node: <ApprovalCountBadge />, id: APPROVAL_COUNT_ID } },
  {
    label: "Alerts",
    to: "/alerts",
    isActive: (path) => path.startsWith("/alerts"),
    needs: ["alerts.read"],
    badge: { node: <AlertCountBadge />, id: ALERT_COUNT_ID },
  },
  { label: "My reviews", to: "/reviews", isActive: (path) => path.startsWith("/reviews") },
  { label: "Offboarding", to: "/offboarding", isActive: (path) => path.startsWith("/offboarding"), needs: ["bots.read_all"] },
  { label: "Incidents", to: "/incidents", isActive: (path) => path.startsWith("/incidents"), needs: ["incidents.read"] },
  { label: "Usage and budgets", to: "/usage", isActive: (path) => path.startsWith("/usage") },
  { label: "Findings", to: "/findings", isActive: (path) => path.startsWith("/findings") },
  { label: "Rotation", to: "/rotation", isActive: (path) => path.startsWith("/rotation") },
  { label: "Leak playbooks", to: "/leak-playbooks", isActive: (path) => path.startsWith("/leak-playbooks") },
  { label: "Kill switch", to: "/kill-switch", isActive: (path) => path.startsWith("/kill-switch") },
  { label: "On-call runbook", to: "/runbook", isActive: (path) => path.startsWith("/runbook") },
  { label: "People", to: "/people", isActive: (path) => path.startsWith("/people"), needs: ["people.read_all"] },
  { label: "Teams", to: "/teams", isActive: (path) => path.startsWith("/teams") },
  { label: "Connected systems", to: "/systems", isActive: (path) => path.startsWith("/systems") },
  { label: "Skills", to: "/skills", isActive: (path) => path.startsWith("/skills") },
  { label: "Org policy", to: "/policy", isActive: (path) => path.startsWith("/policy") },
  {
    label: "Import / export",
    to: "/inventory",
    isActive: (path) => path.startsWith("/inventory"),
    needs: ["inventory.import", "inventory.export"],
  },
  { label: "Audit log", to: "/audit", isActive: (path) => path === "/audit" || path.startsWith("/audit/"), needs: ["audit.read"] },
  { label: "SIEM streaming", to: "/siem", isActive: (path) => path.startsWith("/siem"), needs: ["siem.read"] },
  { label: "Settings", to: "/settings", isActive: (path) => path === "/settings", needs: ["identity.manage"] },
];

/** The signed-in frame: header, navigation and the signed-in person with Sign out. */
export function AppLayout({ me, children }: { me: TMe; children: ReactNode }) {
  const [opened, { toggle, close }] = useDisclosure(false);
  const pathname = useRouterState({ select: (state) => state.location.pathname });

  // On small screens the navigation is a drawer; close it after navigating.
  useEffect(close, [pathname, close]);

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: "sm", collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" gap="sm">
          <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
          <BrandMark />
          <Text fw={700} size="lg">
            Bridle
          </Text>
          <Text size="sm" c="dimmed" visibleFrom="sm">
            AI agent control plane
          </Text>
          <Group ml="auto" gap="xs">
            <NotificationBell />
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm" aria-label="Main">
        <AppShell.Section grow component={ScrollArea}>
          <nav aria-label="Main navigation">
            {NAV_ITEMS.filter((item) => !item.needs || item.needs.some((permission) => me.permissions.includes(permission))).map((item) => {
              const active = item.isActive(pathname);
              return (
                <NavLinkLink
                  key={item.to}
                  to={item.to}
                  label={item.label}
                  rightSection={item.badge?.node}
                  aria-label={item.badge ? item.label : undefined}
                  aria-describedby={item.badge?.id}
                  active={active}
                  aria-current={active ? "page" : undefined}
                  // The router's own notion of active would also mark Settings on /settings/tokens; ours decides.
                  activeOptions={{ exact: true, includeSearch: false }}
                  variant="light"
                  style={{ borderRadius: "var(--mantine-radius-md)" }}
                  mb={2}
                />
              );
            })}
          </nav>
        </AppShell.Section>
        <AppShell.Section pt="sm" style={{ borderTop: "1px solid var(--mantine-color-gray-3)" }}>
          <UserCard me={me} />
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main bg="gray.0">
        <div style={{ maxWidth: 1480, margin: "0 auto" }}>
          <KillSwitchBanner />
          {children}
        </div>
      </AppShell.Main>
    </AppShell>
  );
}
