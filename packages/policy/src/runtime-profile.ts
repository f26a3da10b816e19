import { RUNTIME_PROFILE_FIELDS } from "@bridle/contracts";
import type { TFinding, TRuntimeProfile } from "@bridle/contracts";
import { makeFinding } from "./catalog.ts";
import { listText } from "./util.ts";

export type RuntimeProfileField = (typeof RUNTIME_PROFILE_FIELDS)[number];

/** Labels for messages, in the words of DESIGN.md "Runtime profile". */
export const RUNTIME_PROFILE_LABELS: Record<RuntimeProfileField, string> = {
  runtimeOwner: "runtime owner",
  hostingEnvironment: "hosting environment",
  workspacePersistence: "workspace persistence",
  networkAccessPolicy: "network access policy (egress allowlist)",
  allowedTools: "allowed tools / skills",
  shellExecutionPolicy: "shell execution policy",
  dataRetention: "data retention period",
  deletionProcedure: "deletion procedure",
  incidentResponseOwner: "incident response owner",
};

function isBlank(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === "string") return value.trim() === "";
  if (Array.isArray(value)) return value.length === 0;
  return false;
}

/** Fields of RUNTIME_PROFILE_FIELDS that are null, undefined, blank or an empty list, in that order. */
export function missingRuntimeProfileFields(profile: TRuntimeProfile | null | undefined): RuntimeProfileField[] {
  // A bot stored before runtime profiles existed has none at all: every field is missing.
  if (!profile) return [...RUNTIME_PROFILE_FIELDS];
  return RUNTIME_PROFILE_FIELDS.filter((field) => isBlank(profile[field]));
}

export function checkRuntimeProfile(profile: TRuntimeProfile | null | undefined): TFinding | null {
  const missing = missingRuntimeProfileFields(profile);
  if (missing.length === 0) return null;
  const labels = missing.map((field) => RUNTIME_PROFILE_LABELS[field]);
  return makeFinding(
    "runtime_profile_incomplete",
    `The bot's runtime profile does not document its ${listText(labels)}.`,
    { missing },
    `Fill in the runtime profile: ${labels.join(", ")}.`,
  );
}
