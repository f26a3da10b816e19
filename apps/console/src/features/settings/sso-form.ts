import type { TIdentitySettings, TRole, TUpdateIdentitySettingsRequest } from "@bridle/contracts";

let rowCounter = 0;
const newRowKey = () => `mapping-${++rowCounter}`;

export type RoleMappingRow = { key: string; group: string; role: TRole | null };

export type SsoValues = {
  ssoEnabled: boolean;
  issuerUrl: string;
  clientId: string;
  /** A new secret to store; empty keeps the stored one. The stored one is never shown. */
  newClientSecret: string;
  removeClientSecret: boolean;
  scopes: string[];
  groupsClaim: string;
  roleMapping: RoleMappingRow[];
  jitProvisioning: boolean;
  scimEnabled: boolean;
};

export const emptyMappingRow = (): RoleMappingRow => ({ key: newRowKey(), group: "", role: null });

export const toSsoValues = (settings: TIdentitySettings): SsoValues => ({
  ssoEnabled: settings.ssoEnabled,
  issuerUrl: settings.issuerUrl ?? "",
  clientId: settings.clientId ?? "",
  newClientSecret: "",
  removeClientSecret: false,
  scopes: settings.scopes,
  groupsClaim: settings.groupsClaim,
  roleMapping: settings.roleMapping.map((entry) => ({ key: newRowKey(), group: entry.group, role: entry.role })),
  jitProvisioning: settings.jitProvisioning,
  scimEnabled: settings.scimEnabled,
});

/** Problems the form can see before asking the server, keyed like the server's paths. */
export function localIssues(values: SsoValues): Record<string, string> {
  const issues: Record<string, string> = {};
  values.roleMapping.forEach((row, index) => {
    if (row.group.trim() !== "" && !row.role) issues[`roleMapping.${index}.role`] = "Choose a role for this group";
    if (row.group.trim() === "" && row.role) issues[`roleMapping.${index}.group`] = "Enter the group name";
  });
  return issues;
}

/**
 * The PATCH body for the single sign-on tab. When the environment configures the provider
 * (BRIDLE_OIDC_*), its connection fields are not sent. JIT is sent off while SCIM is on, because
 * the API refuses the two together.
 */
export function toSsoRequest(values: SsoValues, settings: TIdentitySettings): TUpdateIdentitySettingsRequest {
  const request: TUpdateIdentitySettingsRequest = {
    groupsClaim: values.groupsClaim.trim(),
    roleMapping: values.roleMapping
      .filter((row) => row.group.trim() !== "" && row.role)
      .map((row) => ({ group: row.group.trim(), role: row.role as TRole })),
    jitProvisioning: values.scimEnabled ? false : values.jitProvisioning,
    scimEnabled: values.scimEnabled,
  };
  if (settings.managedBy === "environment") return request;
  request.ssoEnabled = values.ssoEnabled;
  request.issuerUrl = values.issuerUrl.trim() || null;
  request.clientId = values.clientId.trim() || null;
  request.scopes = values.scopes;
  if (values.newClientSecret !== "") request.clientSecret = values.newClientSecret;
  else if (values.removeClientSecret) request.clientSecret = null;
  return request;
}
