import type { TMe, TPermission } from "@bridle/contracts";
import { AppShell, Burger, Group, ScrollArea, Stack, Text } from "@mantine/core";
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

type NavSection = {
  /** Names the section's group for screen readers and forms its heading's element id. */
  id: string;
  /** The heading shown above the section's links; the first section (the everyday pages) has none. */
  label?: string;
  items: NavItem[];
};

/**
 * The navigation in sections, in the order a security, IT or admin person reaches for them: the
 * everyday pages first, then what needs a response now, standing governance work, the organization's
 * setup, and the records. Headings always show (nothing sits one click deep).
 */
const NAV_SECTIONS: NavSection[] = [
  {
    id: "start",
    items: [
      { label: "Get started", to: "/get-started", isActive: (path) => path === "/get-started", needs: ["policy.update", "people.manage", "systems.manage"] },
      { label: "Readiness", to: "/readiness", isActive: (path) => path.startsWith("/readiness"), needs: ["bots.read_all"] },
      { label: "Inventory", to: "/bots", isActive: (path) => path === "/" || path === "/bots" || path.startsWith("/bots/") },
      { label: "My bots", to: "/my-bots", isActive: (path) => path.startsWith("/my-bots"), needs: ["bots.own", "bots.write_all"] },
    ],
  },
  {
    id: "respond",
    label: "Respond",
    items: [
      { label: "Approvals", to: "/approvals", isActive: (path) => path.startsWith("/approvals"), badge: { node: <ApprovalCountBadge />, id: APPROVAL_COUNT_ID } },
      {
        label: "Alerts",
        to: "/alerts",
        isActive: (path) => path.startsWith("/alerts"),
        needs: ["alerts.read"],
        badge: { node: <AlertCountBadge />, id: ALERT_COUNT_ID },
      },
      { label: "Incidents", to: "/incidents", isActive: (path) => path.startsWith("/incidents"), needs: ["incidents.read"] },
      { label: "Leak playbooks", to: "/leak-playbooks", isActive: (path) => path.startsWith("/leak-playbooks") },
      { label: "Kill switch", to: "/kill-switch", isActive: (path) => path.startsWith("/kill-switch") },
      { label: "On-call runbook", to: "/runbook", isActive: (path) => path.startsWith("/runbook") },
    ],
  },
  {
    id: "govern",
    label: "Govern",
    items: [
      { label: "My reviews", to: "/reviews", isActive: (path) => path.startsWith("/reviews") },
      { label: "Findings", to: "/findings", isActive: (path) => path.startsWith("/findings") },
      { label: "Rotation", to: "/rotation", isActive: (path) => path.startsWith("/rotation") },
      { label: "Offboarding", to: "/offboarding", isActive: (path) => path.startsWith("/offboarding"), needs: ["bots.read_all"] },
      { label: "Usage and budgets", to: "/usage", isActive: (path) => path.startsWith("/usage") },
    ],
  },
  {
    id: "organization",
    label: "Organization",
    items: [
      { label: "People", to: "/people", isActive: (path) => path.startsWith("/people"), needs: ["people.read_all"] },
      { label: "Teams", to: "/teams", isActive: (path) => path.startsWith("/teams") },
      { label: "Connected systems", to: "/systems", isActive: (path) => path.startsWith("/systems") },
      { label: "Skills", to: "/skills", isActive: (path) => path.startsWith("/skills") },
      { label: "Org policy", to: "/policy", isActive: (path) => path.startsWith("/policy") },
    ],
  },
  {
    id: "records",
    label: "Records",
    items: [
      { label: "Audit log", to: "/audit", isActive: (path) => path === "/audit" || path.startsWith("/audit/"), needs: ["audit.read"] },
      { label: "SIEM streaming", to: "/siem", isActive: (path) => path.startsWith("/siem"), needs: ["siem.read"] },
      {
        label: "Import / export",
        to: "/inventory",
        isActive: (path) => path.startsWith("/inventory"),
        needs: ["inventory.import", "inventory.export"],
      },
      { label: "Settings", to: "/settings", isActive: (path) => path === "/settings", needs: ["identity.manage"] },
    ],
  },
];

/** An item shows without `needs`, or with one of its permissions. */
const mayShow = (item: NavItem, permissions: readonly TPermission[]) => !item.needs || item.needs.some((permission) => permissions.includes(permission));

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

      <AppShell.Navbar px="sm" py="xs" aria-label="Main">
        <AppShell.Section grow component={ScrollArea}>
          <nav aria-label="Main navigation">
            <Stack gap={10}>
              {NAV_SECTIONS.map((section) => {
                const items = section.items.filter((item) => mayShow(item, me.permissions));
                // A section none of whose pages this person may use is not shown at all.
                if (items.length === 0) return null;
                const headingId = `nav-section-${section.id}`;
                return (
                  // A named group, so a screen reader announces the section on entering it.
                  <div key={section.id} role={section.label ? "group" : undefined} aria-labelledby={section.label ? headingId : undefined}>
                    {section.label && (
                      // gray.7, not "dimmed": 12 px text needs 4.5:1 contrast on white (WCAG AA)
                      <Text id={headingId} size="xs" fw={700} tt="uppercase" c="gray.7" lts={0.6} lh={1.3} px="sm" mb={2}>
                        {section.label}
                      </Text>
                    )}
                    {items.map((item) => {
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
                          // 25 px rows on a desktop (the body sets the line box, not the label), so an admin's 24 pages
                          // fit a 900 px tall window; taller rows for fingers in the mobile drawer, which scrolls
                          py={{ base: 8, sm: 3.5 }}
                          styles={{ body: { fontSize: "var(--mantine-font-size-sm)", lineHeight: "18px" } }}
                        />
                      );
                    })}
                  </div>
                );
              })}
            </Stack>
          </nav>
        </AppShell.Section>
        <AppShell.Section pt="xs" style={{ borderTop: "1px solid var(--mantine-color-gray-3)" }}>
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
