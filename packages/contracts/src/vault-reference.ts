/**
 * Vault references: where a credential lives, never the credential itself (DESIGN.md "Credential
 * reference"). One pure parser, shared by the API (which validates every reference with it) and
 * the console (which shows per-kind hints and checks as you type).
 *
 * The accepted forms, one per kind:
 * - `1password`: a 1Password secret reference `op://<vault>/<item>/[<section>/]<field>`, optionally
 *   with `?attribute=<name>` or `?ssh-format=openssh`; names may contain spaces, not `/`, `?` or `#`.
 * - `hashicorp_vault` (HashiCorp Vault or OpenBao): `vault:<mount>/<path>[#<field>]`, e.g.
 *   `vault:secret/data/bots/triage#github_token` (KV v2: the mount, `data/`, the path) or
 *   `vault:database/creds/bot-metrics` (a dynamic secret's role path, no field). At least two path
 *   segments of letters, digits, `.`, `_`, `-`, `@`, `+`, `=`.
 * - `aws_secrets_manager`: an AWS Secrets Manager secret ARN
 *   `arn:<aws|aws-cn|aws-us-gov>:secretsmanager:<region>:<12-digit account>:secret:<name>`.
 * - `gcp_secret_manager`: a GCP Secret Manager resource name
 *   `projects/<project>/secrets/<secret>[/versions/<version number | latest>]`.
 * - `azure_key_vault`: an Azure Key Vault secret URI
 *   `https://<vault>.vault.azure.net/secrets/<name>[/<32-hex version>]` (also `vault.azure.cn`,
 *   `vault.usgovcloudapi.net`).
 * - `other`: another vault's URI, `<scheme>://<rest>` (e.g. `doppler://`, `infisical://`,
 *   `bws://`) or an AWS Systems Manager parameter ARN; never one of the forms above.
 */

export const VAULT_KINDS = ["1password", "hashicorp_vault", "aws_secrets_manager", "gcp_secret_manager", "azure_key_vault", "other"] as const;
export type TVaultKind = (typeof VAULT_KINDS)[number];

export const VAULT_KIND_LABELS: Record<TVaultKind, string> = {
  "1password": "1Password",
  hashicorp_vault: "HashiCorp Vault / OpenBao",
  aws_secrets_manager: "AWS Secrets Manager",
  gcp_secret_manager: "GCP Secret Manager",
  azure_key_vault: "Azure Key Vault",
  other: "Another vault (URI)",
};

/** What a reference of each kind looks like: shown as the hint and the example under the field. */
export const VAULT_KIND_HINTS: Record<TVaultKind, { form: string; example: string }> = {
  "1password": { form: "op://<vault>/<item>/[<section>/]<field>", example: "op://bots-prod/triage-bot/github-token" },
  hashicorp_vault: { form: "vault:<mount>/<path>[#<field>]", example: "vault:secret/data/bots/triage-bot#github_token" },
  aws_secrets_manager: {
    form: "arn:aws:secretsmanager:<region>:<account id>:secret:<name>",
    example: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:bots/triage-bot/github-token",
  },
  gcp_secret_manager: { form: "projects/<project>/secrets/<secret>[/versions/<version>]", example: "projects/acme-bots/secrets/triage-bot-github/versions/latest" },
  azure_key_vault: { form: "https://<vault>.vault.azure.net/secrets/<name>[/<version>]", example: "https://acme-bots.vault.azure.net/secrets/triage-bot-github" },
  other: { form: "<scheme>://<path>", example: "doppler://bots/prod/GITHUB_TOKEN" },
};

/** A parsed reference: its kind and the vault it names (a 1Password vault, a Vault mount, an AWS account and region, a GCP project, an Azure vault, a URI's scheme and host). */
export type TVaultLocation = { kind: TVaultKind; name: string };

const SEG_1P = String.raw`[^/?#\s](?:[^/?#\r\n\t]*[^/?#\s])?`;
const ONE_PASSWORD = new RegExp(String.raw`^op://(${SEG_1P})/(${SEG_1P})/(?:${SEG_1P}/)?${SEG_1P}(?:\?(?:attribute=[a-z]+|ssh-format=openssh))?$`);
const HASHICORP = /^vault:([A-Za-z0-9._@+=-]+)(?:\/[A-Za-z0-9._@+=-]+)+(?:#[A-Za-z0-9._-]+)?$/;
const AWS = /^arn:(aws|aws-cn|aws-us-gov):secretsmanager:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):secret:[A-Za-z0-9/_+=.@-]{1,512}$/;
const GCP = /^projects\/([a-z][a-z0-9-]{4,28}[a-z0-9]|\d{1,20})\/secrets\/[A-Za-z0-9_-]{1,255}(?:\/versions\/(?:[1-9]\d{0,18}|latest))?$/;
const AZURE = /^https:\/\/([a-z][a-z0-9-]{1,22}[a-z0-9])\.vault\.(?:azure\.net|azure\.cn|usgovcloudapi\.net)\/secrets\/[0-9A-Za-z-]{1,127}(?:\/[0-9a-f]{32})?$/i;
/** `<scheme>://<host>...`; no user name or password before the host (`user:pass@host` holds a secret). */
const OTHER_URI = /^([a-z][a-z0-9+.-]{1,30}):\/\/([^\s/?#@]+)(?:[/?#][^\s]*)?$/i;
const AWS_SSM = /^arn:(?:aws|aws-cn|aws-us-gov):ssm:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):parameter\/[A-Za-z0-9/_.-]{1,2048}$/;

/** The kind a reference's prefix claims (before checking the rest); null when it names none. */
export function vaultKindOf(reference: string): TVaultKind | null {
  const r = reference.trim();
  if (r.startsWith("op://")) return "1password";
  if (r.startsWith("vault:")) return "hashicorp_vault";
  if (/^arn:[a-z-]+:secretsmanager:/.test(r)) return "aws_secrets_manager";
  if (r.startsWith("projects/")) return "gcp_secret_manager";
  if (/^https:\/\/[^/]+\.vault\.(azure\.net|azure\.cn|usgovcloudapi\.net)(\/|$)/i.test(r)) return "azure_key_vault";
  if (OTHER_URI.test(r) || /^arn:[a-z-]+:ssm:/.test(r)) return "other";
  return null;
}

/** The vault a valid reference of `kind` names; null when the reference is not of that kind's form. */
function locate(kind: TVaultKind, r: string): string | null {
  const match = (re: RegExp, name: (m: RegExpExecArray) => string) => {
    const m = re.exec(r);
    return m ? name(m) : null;
  };
  switch (kind) {
    case "1password":
      return match(ONE_PASSWORD, (m) => m[1]!);
    case "hashicorp_vault":
      return match(HASHICORP, (m) => m[1]!);
    case "aws_secrets_manager":
      return match(AWS, (m) => `${m[3]}/${m[2]}`);
    case "gcp_secret_manager":
      return match(GCP, (m) => m[1]!);
    case "azure_key_vault":
      return match(AZURE, (m) => m[1]!.toLowerCase());
    case "other":
      if (vaultKindOf(r) !== "other") return null;
      return match(AWS_SSM, (m) => `${m[2]}/${m[1]}`) ?? match(OTHER_URI, (m) => `${m[1]!.toLowerCase()}://${m[2]}`);
  }
}

/** Parses a reference whatever its kind (imports, bot edits): its kind and vault, or null when it is not a valid vault reference. */
export function parseVaultReference(reference: string): TVaultLocation | null {
  const kind = vaultKindOf(reference);
  if (!kind) return null;
  const name = locate(kind, reference.trim());
  return name === null ? null : { kind, name };
}

/**
 * Why `reference` is not a valid reference of `kind` (a sentence to show under the field, which
 * never repeats the value), or null when it is one. A reference of another known kind names that
 * kind, so a person can pick the right one.
 */
export function vaultReferenceProblem(kind: TVaultKind, reference: string): string | null {
  const r = reference.trim();
  if (locate(kind, r) !== null) return null;
  const claimed = vaultKindOf(r);
  if (claimed && claimed !== kind && locate(claimed, r) !== null)
    return `this is a ${VAULT_KIND_LABELS[claimed]} reference; choose ${VAULT_KIND_LABELS[claimed]} as its vault, or enter a ${VAULT_KIND_LABELS[kind]} reference`;
  return `must be a ${VAULT_KIND_LABELS[kind]} reference: ${VAULT_KIND_HINTS[kind].form}`;
}

/** The message for a reference whose kind is not given (imports, bot edits) and that names no vault. */
export const NOT_A_VAULT_REFERENCE =
  "must be a vault reference (op://, vault:, arn:aws:secretsmanager:, projects/*/secrets/*, https://*.vault.azure.net/secrets/*, or another vault's <scheme>://), never a secret";
