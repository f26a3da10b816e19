import type { TAuditEvent } from "@bridle/contracts";
import { Badge, Group, Text, Tooltip } from "@mantine/core";
import type { BadgeProps } from "@mantine/core";
import type { ReactNode } from "react";
import { AnchorLink } from "../../../components/links.tsx";
import { humanize } from "../../../lib/format.ts";
import { ACTOR_TYPE_LABELS, OUTCOME_COLORS, OUTCOME_LABELS, resourceTypeLabel } from "../labels.ts";

type ActorType = TAuditEvent["actor"]["type"];

const ICON_PATHS: Record<ActorType, ReactNode> = {
  // a head and shoulders
  person: (
    <>
      <circle cx="8" cy="5" r="3" />
      <path d="M2 14.5c0-3.3 2.7-5.5 6-5.5s6 2.2 6 5.5" />
    </>
  ),
  // a key
  token: (
    <>
      <circle cx="5" cy="8" r="3" />
      <path d="M8 8h7M12.5 8v2.5M15 8v2" />
    </>
  ),
  // a robot's head with an antenna
  bot: (
    <>
      <rect x="2.5" y="5" width="11" height="9" rx="2" />
      <path d="M8 5V2.5" />
      <circle cx="8" cy="2" r="0.8" />
      <circle cx="5.8" cy="9.3" r="0.9" />
      <circle cx="10.2" cy="9.3" r="0.9" />
    </>
  ),
  // a gear-like cog
  system: (
    <>
      <circle cx="8" cy="8" r="2.5" />
      <path d="M8 1.5v2M8 12.5v2M1.5 8h2M12.5 8h2M3.4 3.4l1.4 1.4M11.2 11.2l1.4 1.4M3.4 12.6l1.4-1.4M11.2 4.8l1.4-1.4" />
    </>
  ),
};

/** A small line icon for the kind of actor; its name is given by the tooltip and the label beside it. */
export function ActorIcon({ type }: { type: ActorType }) {
  return (
    <Tooltip label={ACTOR_TYPE_LABELS[type]} withArrow openDelay={300}>
      <svg
        width="16"
        height="16"
        viewBox="0 0 16 16"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.4"
        strokeLinecap="round"
        strokeLinejoin="round"
        role="img"
        aria-label={ACTOR_TYPE_LABELS[type]}
        data-actor-type={type}
        style={{ flexShrink: 0, color: "var(--mantine-color-gray-6)" }}
      >
        {ICON_PATHS[type]}
      </svg>
    </Tooltip>
  );
}

/** Who acted, as the server recorded it: icon, label, and a link to the person's or bot's page. */
export function ActorName({ actor, withType = false }: { actor: TAuditEvent["actor"]; withType?: boolean }) {
  const label = actor.label ?? (actor.type === "system" ? "Bridle" : (actor.id ?? "unknown"));
  const name =
    actor.id && (actor.type === "person" || actor.type === "token") ? (
      <AnchorLink to="/people/$personId" params={{ personId: actor.id }} size="sm" fw={600}>
        {label}
      </AnchorLink>
    ) : actor.id && actor.type === "bot" ? (
      <AnchorLink to="/bots/$botId" params={{ botId: actor.id }} size="sm" fw={600}>
        {label}
      </AnchorLink>
    ) : (
      <Text span size="sm" fw={600}>
        {label}
      </Text>
    );
  return (
    <Group gap={6} wrap="nowrap" display="inline-flex" style={{ verticalAlign: "middle", minWidth: 0 }}>
      <ActorIcon type={actor.type} />
      {name}
      {withType && (
        <Text span size="xs" c="dimmed">
          ({ACTOR_TYPE_LABELS[actor.type]})
        </Text>
      )}
    </Group>
  );
}

export function OutcomeBadge({ outcome, ...props }: { outcome: TAuditEvent["outcome"] } & BadgeProps) {
  return (
    <Badge variant={outcome === "success" ? "light" : "filled"} color={OUTCOME_COLORS[outcome]} {...props}>
      {OUTCOME_LABELS[outcome]}
    </Badge>
  );
}

const str = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);
const field = (details: Record<string, unknown>, ...path: string[]): string | null => {
  let current: unknown = details;
  for (const key of path) current = current && typeof current === "object" ? (current as Record<string, unknown>)[key] : undefined;
  return str(current);
};
const shortId = (id: string | null) => (id ? (id.length > 12 ? `${id.slice(0, 8)}…` : id) : null);

/** A readable name for the event's resource, from what its details recorded. */
export function resourceName(event: TAuditEvent): string {
  const d = event.details;
  const botName = field(d, "bot") ?? (event.actor.type === "bot" && event.actor.id === event.resourceId ? event.actor.label : null);
  switch (event.resourceType) {
    case "bot":
      return field(d, "bot") ?? field(d, "name") ?? botName ?? `bot ${shortId(event.resourceId) ?? ""}`.trim();
    case "org_policy":
      return "Org policy";
    case "gated_action_policy":
      return `${event.resourceId ?? "gated action"} rule`;
    case "approval_request": {
      const kind = field(d, "kind");
      return `${kind ? humanize(kind) : "Approval"} request${botName ? ` for ${botName}` : ""}`;
    }
    case "decision": {
      // The bot is the actor; the line names what it asked to do, and on what.
      const on = field(d, "target", "system") ?? field(d, "target", "channel") ?? field(d, "target", "resource");
      return `${field(d, "action") ?? "an action"}${on ? ` on ${on}` : ""}`;
    }
    case "person":
      return field(d, "email") ?? field(d, "userName") ?? field(d, "person") ?? `person ${shortId(event.resourceId) ?? ""}`.trim();
    case "team":
      return field(d, "name") ?? field(d, "displayName") ?? field(d, "nameAfter") ?? field(d, "slug") ?? "team";
    case "connected_system":
      return field(d, "key") ?? field(d, "after", "key") ?? field(d, "before", "key") ?? "connected system";
    case "bot_token":
      return `runtime token${field(d, "name") ? ` “${field(d, "name")}”` : ""}${botName ? ` of ${botName}` : ""}`;
    case "api_token":
    case "scim_token":
      return `${resourceTypeLabel(event.resourceType)}${field(d, "name") ? ` “${field(d, "name")}”` : ""}`;
    case "identity_settings":
    case "inventory":
    case "organization":
    case "setup":
    case "audit_event":
      return resourceTypeLabel(event.resourceType);
    case "incident":
      return field(d, "title") ?? "incident";
    case "session":
      return `sign-in session${field(d, "person") ? ` of ${field(d, "person")}` : ""}`;
    default:
      return event.resourceId ? `${resourceTypeLabel(event.resourceType)} ${shortId(event.resourceId)}` : resourceTypeLabel(event.resourceType);
  }
}

/** The event's resource, linked to its page in the console where one exists. */
export function ResourceLink({ event }: { event: TAuditEvent }) {
  const name = resourceName(event);
  const id = event.resourceId;
  const props = { size: "sm", "data-testid": "audit-resource" } as const;
  switch (event.resourceType) {
    case "bot":
      if (id) return <AnchorLink to="/bots/$botId" params={{ botId: id }} {...props}>{name}</AnchorLink>;
      break;
    case "bot_token": {
      const botId = field(event.details, "botId");
      if (botId) return <AnchorLink to="/bots/$botId" params={{ botId }} {...props}>{name}</AnchorLink>;
      break;
    }
    case "org_policy":
      return <AnchorLink to="/policy" {...props}>{name}</AnchorLink>;
    case "gated_action_policy":
      return <AnchorLink to="/policy/gated-actions" {...props}>{name}</AnchorLink>;
    case "approval_request":
      if (id) return <AnchorLink to="/approvals/$requestId" params={{ requestId: id }} {...props}>{name}</AnchorLink>;
      break;
    case "person":
      if (id) return <AnchorLink to="/people/$personId" params={{ personId: id }} {...props}>{name}</AnchorLink>;
      break;
    case "team":
      if (id) return <AnchorLink to="/teams/$teamId" params={{ teamId: id }} {...props}>{name}</AnchorLink>;
      break;
    case "connected_system":
      return <AnchorLink to="/systems" {...props}>{name}</AnchorLink>;
    case "identity_settings":
      return <AnchorLink to="/settings" {...props}>{name}</AnchorLink>;
    case "incident":
      if (id) return <AnchorLink to="/incidents/$incidentId" params={{ incidentId: id }} {...props}>{name}</AnchorLink>;
      break;
  }
  return (
    <Text span {...props}>
      {name}
    </Text>
  );
}
