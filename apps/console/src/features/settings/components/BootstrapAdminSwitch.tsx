import type { TIdentitySettings } from "@bridle/contracts";
import { Alert, Stack, Switch, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { ConfirmDialog } from "../../../components/ConfirmDialog.tsx";
import { errorMessage } from "../../../lib/api.ts";
import { useMe } from "../../auth/queries.ts";
import { useUpdateIdentitySettings } from "../queries.ts";

/** The local bootstrap admin (break-glass account): on for first run and emergencies; disabling asks first. */
export function BootstrapAdminSwitch({ settings }: { settings: TIdentitySettings }) {
  const me = useMe();
  const update = useUpdateIdentitySettings();
  const [confirming, setConfirming] = useState(false);

  const save = (enabled: boolean) =>
    update.mutate(
      { bootstrapAdminEnabled: enabled },
      {
        onSuccess: () => {
          setConfirming(false);
          notifications.show({
            color: "teal",
            title: enabled ? "Bootstrap admin enabled" : "Bootstrap admin disabled",
            message: enabled ? "The local admin account can sign in again." : "The local admin account can no longer sign in.",
          });
        },
      },
    );

  return (
    <Stack gap="sm">
      <Switch
        label="Local bootstrap admin (break-glass account)"
        description="Signs in with a password when single sign-on is unavailable. Every use is recorded below."
        checked={settings.bootstrapAdminEnabled}
        disabled={update.isPending}
        onChange={(event) => (event.currentTarget.checked ? save(true) : setConfirming(true))}
      />
      {update.isError && !confirming && (
        <Alert color="red" variant="light" role="alert">
          {errorMessage(update.error)}
        </Alert>
      )}
      <ConfirmDialog
        opened={confirming}
        title="Disable the bootstrap admin?"
        confirmLabel="Disable bootstrap admin"
        loading={update.isPending}
        error={update.isError ? update.error : undefined}
        onConfirm={() => save(false)}
        onCancel={() => {
          setConfirming(false);
          update.reset();
        }}
      >
        <Stack gap="xs">
          <Text size="sm">
            The local admin account will no longer be able to sign in. If single sign-on then breaks, only an admin who can still
            sign in with SSO can turn it back on.
          </Text>
          {me.data?.isBootstrapAdmin && (
            <Text size="sm" fw={600} c="red">
              You are signed in as the bootstrap admin: make sure an SSO admin can sign in first.
            </Text>
          )}
        </Stack>
      </ConfirmDialog>
    </Stack>
  );
}
