import type { TIdentitySettings } from "@bridle/contracts";
import { Alert, Badge, Button, Fieldset, Group, PasswordInput, SimpleGrid, Stack, Switch, TagsInput, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useEffect, useRef, useState } from "react";
import type { FormEvent } from "react";
import { CopyField } from "../../../components/CopyField.tsx";
import { MutationErrorAlert } from "../../../components/MutationErrorAlert.tsx";
import { errorLookup, formIssues } from "../../../lib/form-errors.ts";
import { useUpdateIdentitySettings } from "../queries.ts";
import { localIssues, toSsoRequest, toSsoValues } from "../sso-form.ts";
import type { SsoValues } from "../sso-form.ts";
import { RoleMappingEditor } from "./RoleMappingEditor.tsx";

function ClientSecretField({
  settings,
  values,
  set,
  readOnly,
  error,
}: {
  settings: TIdentitySettings;
  values: SsoValues;
  set: <K extends keyof SsoValues>(key: K, value: SsoValues[K]) => void;
  readOnly: boolean;
  error?: string;
}) {
  const cannotStore = !settings.encryptionKeyConfigured;
  const stored = settings.clientSecretSet && !values.removeClientSecret;
  return (
    <Stack gap={6}>
      {settings.clientSecretSet && (
        <Group gap="xs" data-testid="client-secret-status">
          <Badge variant="light" color={values.removeClientSecret ? "orange" : "teal"} radius="sm">
            {values.removeClientSecret ? "The stored client secret will be removed on save" : "A client secret is stored"}
          </Badge>
          {!readOnly &&
            (values.removeClientSecret ? (
              <Button size="compact-xs" variant="subtle" onClick={() => set("removeClientSecret", false)}>
                Keep it
              </Button>
            ) : (
              <Button size="compact-xs" variant="subtle" color="red" onClick={() => set("removeClientSecret", true)}>
                Remove secret
              </Button>
            ))}
        </Group>
      )}
      {!readOnly && (
        <PasswordInput
          label={stored ? "Replace secret" : "Client secret"}
          description={
            cannotStore
              ? "Set BRIDLE_ENCRYPTION_KEY on the server to store a client secret"
              : stored
                ? "Leave empty to keep the stored secret; it is never shown again"
                : "Stored encrypted; it is never shown again"
          }
          autoComplete="new-password"
          value={values.newClientSecret}
          onChange={(event) => set("newClientSecret", event.currentTarget.value)}
          disabled={cannotStore}
          error={error}
        />
      )}
    </Stack>
  );
}

/** The single sign-on tab: OIDC provider, role mapping and provisioning (PATCH /api/v1/identity-settings). */
export function SsoSettingsForm({ settings }: { settings: TIdentitySettings }) {
  const update = useUpdateIdentitySettings();
  const [values, setValues] = useState<SsoValues>(() => toSsoValues(settings));
  const [checked, setChecked] = useState(false);
  const set = <K extends keyof SsoValues>(key: K, value: SsoValues[K]) => setValues((previous) => ({ ...previous, [key]: value }));

  const fromEnvironment = settings.managedBy === "environment";
  const local = localIssues(values);
  const serverErrorAt = errorLookup(formIssues(update.error));
  const errorAt = (path: string) => (checked ? local[path] : undefined) ?? serverErrorAt(path);
  const redirectUri = `${window.location.origin}/auth/callback`;
  const topRef = useRef<HTMLDivElement>(null);

  // The save button is at the foot of a long form: bring the server's answer into view.
  useEffect(() => {
    if (update.error) topRef.current?.scrollIntoView({ behavior: "smooth", block: "start" });
  }, [update.error]);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setChecked(true);
    if (Object.keys(local).length > 0) return;
    update.mutate(toSsoRequest(values, settings), {
      onSuccess: (saved) => {
        setValues(toSsoValues(saved));
        setChecked(false);
        notifications.show({ color: "teal", title: "Single sign-on settings saved", message: saved.ssoEnabled ? "SSO is on." : "SSO is off." });
      },
    });
  };

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Single sign-on settings">
      <Stack gap="lg" ref={topRef} style={{ scrollMarginTop: 72 }}>
        {fromEnvironment && (
          <Alert color="blue" variant="light" title="Configured by the server's environment" data-testid="sso-managed-by-environment">
            BRIDLE_OIDC_* environment variables configure the identity provider, so its settings are read-only here. Change them
            in the deployment and restart Bridle. Role mapping and provisioning can still be changed here.
          </Alert>
        )}
        {!settings.encryptionKeyConfigured && !fromEnvironment && (
          <Alert color="orange" variant="light" title="A client secret cannot be stored yet" data-testid="encryption-key-missing">
            Set BRIDLE_ENCRYPTION_KEY on the server first: Bridle stores the client secret encrypted with it.
          </Alert>
        )}
        {update.isError && <MutationErrorAlert error={update.error} title="The settings were not saved" />}

        <Fieldset legend="Identity provider (OpenID Connect)" radius="md">
          <Stack gap="md">
            <Switch
              label="Enable single sign-on"
              description="People sign in with your identity provider; the local admin account stays for emergencies"
              checked={values.ssoEnabled}
              onChange={(event) => set("ssoEnabled", event.currentTarget.checked)}
              disabled={fromEnvironment}
              error={errorAt("ssoEnabled")}
            />
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              <TextInput
                label="Issuer URL"
                description="e.g. https://acme.okta.com or https://login.microsoftonline.com/<tenant>/v2.0"
                placeholder="https://"
                value={values.issuerUrl}
                onChange={(event) => set("issuerUrl", event.currentTarget.value)}
                readOnly={fromEnvironment}
                error={errorAt("issuerUrl")}
              />
              <TextInput
                label="Client ID"
                value={values.clientId}
                onChange={(event) => set("clientId", event.currentTarget.value)}
                readOnly={fromEnvironment}
                error={errorAt("clientId")}
              />
              <ClientSecretField settings={settings} values={values} set={set} readOnly={fromEnvironment} error={errorAt("clientSecret")} />
              <TagsInput
                label="Scopes"
                description="Press Enter after each scope; openid is required"
                value={values.scopes}
                onChange={(value) => set("scopes", value)}
                readOnly={fromEnvironment}
                error={errorAt("scopes")}
              />
            </SimpleGrid>
            <CopyField label="Redirect URI" description="Register this sign-in redirect URI with your identity provider" value={redirectUri} />
          </Stack>
        </Fieldset>

        <Fieldset legend="Role mapping" radius="md">
          <Stack gap="md">
            <Text size="sm" c="dimmed">
              At each SSO sign-in, a person's Bridle roles are set from the groups the identity provider sends.
            </Text>
            <TextInput
              label="Groups claim"
              description="The ID token claim that lists a person's groups"
              value={values.groupsClaim}
              onChange={(event) => set("groupsClaim", event.currentTarget.value)}
              error={errorAt("groupsClaim")}
              maw={360}
            />
            <RoleMappingEditor rows={values.roleMapping} onChange={(rows) => set("roleMapping", rows)} errorAt={errorAt} />
          </Stack>
        </Fieldset>

        <Fieldset legend="Provisioning" radius="md">
          <Stack gap="md">
            <Switch
              label="SCIM provisioning"
              description="Your identity provider creates, updates and deactivates people and teams (see the SCIM provisioning tab)"
              checked={values.scimEnabled}
              onChange={(event) => {
                const on = event.currentTarget.checked;
                setValues((previous) => ({ ...previous, scimEnabled: on, jitProvisioning: on ? false : previous.jitProvisioning }));
              }}
              error={errorAt("scimEnabled")}
            />
            <Switch
              label="Just-in-time provisioning"
              description={
                values.scimEnabled
                  ? "Off while SCIM provisioning is on: SCIM decides who exists, so a first SSO sign-in cannot create a person"
                  : "Create a person at their first SSO sign-in"
              }
              checked={values.jitProvisioning && !values.scimEnabled}
              onChange={(event) => set("jitProvisioning", event.currentTarget.checked)}
              disabled={values.scimEnabled}
              error={errorAt("jitProvisioning")}
            />
          </Stack>
        </Fieldset>

        <Group justify="flex-end" gap="sm">
          <Button
            variant="default"
            onClick={() => {
              setValues(toSsoValues(settings));
              setChecked(false);
              update.reset();
            }}
          >
            Discard changes
          </Button>
          <Button type="submit" loading={update.isPending}>
            Save SSO settings
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
