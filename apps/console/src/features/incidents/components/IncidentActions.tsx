import type { TAuditEvent } from "@bridle/contracts";
import { Button, Group, Menu } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { ButtonLink } from "../../../components/links.tsx";
import { errorMessage } from "../../../lib/api.ts";
import { useCan } from "../../auth/permissions.tsx";
import { useAddEvidence, useIncidents } from "../queries.ts";

/** The bot an audit event is about: its actor, its resource, or `details.botId`. */
export function botOfEvent(event: TAuditEvent): string | undefined {
  if (event.actor.type === "bot" && event.actor.id) return event.actor.id;
  if (event.resourceType === "bot" && event.resourceId) return event.resourceId;
  const botId = (event.details as { botId?: unknown }).botId;
  return typeof botId === "string" ? botId : undefined;
}

function AddToIncident({ incidentId, title, eventId }: { incidentId: string; title: string; eventId: string }) {
  const add = useAddEvidence(incidentId);
  return (
    <Menu.Item
      disabled={add.isPending}
      onClick={() =>
        add.mutate(eventId, {
          onSuccess: () => notifications.show({ color: "teal", message: `Linked to “${title}”` }),
          onError: (e) => notifications.show({ color: "red", title: "Not linked", message: errorMessage(e) }),
        })
      }
    >
      {title}
    </Menu.Item>
  );
}

/** On an audit event: declare an incident from it, or link it to an open one (`incidents.manage`). */
export function IncidentActions({ event }: { event: TAuditEvent }) {
  const can = useCan();
  const open = useIncidents({ open: "true" }, can("incidents.manage"));
  if (!can("incidents.manage")) return null;
  const botId = botOfEvent(event);
  return (
    <Group gap="xs">
      <ButtonLink to="/incidents/new" search={{ evidence: event.id, ...(botId ? { botId } : {}) }} variant="light" color="red">
        Open incident
      </ButtonLink>
      {(open.data?.length ?? 0) > 0 && (
        <Menu position="bottom-end">
          <Menu.Target>
            <Button variant="default">Add to incident</Button>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Label>Open incidents</Menu.Label>
            {open.data!.map((i) => (
              <AddToIncident key={i.id} incidentId={i.id} title={i.title} eventId={event.id} />
            ))}
          </Menu.Dropdown>
        </Menu>
      )}
    </Group>
  );
}
