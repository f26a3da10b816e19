import { ROLES } from "@bridle/contracts";
import type { TPersonDetail, TRole } from "@bridle/contracts";
import { Alert, Button, Checkbox, Group, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { ConfirmDialog } from "../../../components/ConfirmDialog.tsx";
import { errorMessage } from "../../../lib/api.ts";
import { useMe } from "../../auth/queries.ts";
import { useUpdatePersonRoles } from "../queries.ts";
import { ROLE_DESCRIPTIONS, ROLE_LABELS } from "../roles.ts";

const sameRoles = (a: readonly TRole[], b: readonly TRole[]) => a.length === b.length && a.every((role) => b.includes(role));

/**
 * Sets a person's roles (admins, `identity.manage`). Removing admin asks first; the bootstrap admin
 * (the break-glass account) always keeps it.
 */
export function RolesEditor({ person }: { person: TPersonDetail }) {
  const me = useMe();
  const update = useUpdatePersonRoles(person.id);
  const [roles, setRoles] = useState<TRole[]>(person.roles);
  const [confirming, setConfirming] = useState(false);

  const changed = !sameRoles(roles, person.roles);
  const removesAdmin = person.roles.includes("admin") && !roles.includes("admin");
  const isMe = me.data?.id === person.id;

  const save = () =>
    update.mutate(
      ROLES.filter((role) => roles.includes(role)),
      {
        onSuccess: (saved) => {
          setConfirming(false);
          setRoles(saved.roles);
          notifications.show({ color: "teal", title: "Roles saved", message: `${saved.displayName} now has ${saved.roles.length === 0 ? "no role" : saved.roles.map((role) => ROLE_LABELS[role]).join(", ")}.` });
        },
      },
    );

  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        Every person may own bots; roles add to that.
      </Text>
      <Checkbox.Group aria-label="Roles" value={roles} onChange={(value) => setRoles(value as TRole[])}>
        <Stack gap="xs" role="group" aria-label="Roles">
          {ROLES.map((role) => (
            <Checkbox
              key={role}
              value={role}
              label={ROLE_LABELS[role]}
              description={
                role === "admin" && person.isBootstrapAdmin
                  ? "The bootstrap admin is the break-glass account and keeps the admin role; disable it in Settings instead"
                  : ROLE_DESCRIPTIONS[role]
              }
              disabled={role === "admin" && person.isBootstrapAdmin}
            />
          ))}
        </Stack>
      </Checkbox.Group>
      <Text size="xs" c="dimmed">
        When SSO role mapping is set up, this person's next SSO sign-in sets their roles from their groups again.
      </Text>
      {update.isError && !confirming && (
        <Alert color="red" variant="light" role="alert" title="The roles were not saved">
          {errorMessage(update.error)}
        </Alert>
      )}
      <Group gap="sm">
        <Button onClick={() => (removesAdmin ? setConfirming(true) : save())} disabled={!changed} loading={update.isPending && !confirming}>
          Save roles
        </Button>
        {changed && (
          <Button variant="subtle" color="gray" onClick={() => { setRoles(person.roles); update.reset(); }}>
            Discard
          </Button>
        )}
      </Group>

      <ConfirmDialog
        opened={confirming}
        title="Remove the admin role?"
        confirmLabel="Remove admin role"
        loading={update.isPending}
        error={update.error}
        onConfirm={save}
        onCancel={() => { setConfirming(false); update.reset(); }}
      >
        {isMe
          ? "You are removing your own admin role. You will lose access to Settings, role changes and org policy at once, and another admin will have to give it back."
          : `${person.displayName} will no longer manage org policy, SSO, SCIM, roles or sessions.`}
      </ConfirmDialog>
    </Stack>
  );
}
