/** Fixtures for the unit tests (not exported from the package). */
import type { TRuntimeProfile, TSystemClassification } from "@bridle/contracts";
import { skillRegistryOf } from "./skills.ts";
import type { BotFacts, EvaluationContext, PolicyInput } from "./types.ts";

export const DAY = 86_400_000;
export const NOW = new Date("2025-06-15T12:00:00.000Z");
export const daysFromNow = (days: number): Date => new Date(NOW.getTime() + days * DAY);

export const SYSTEMS: ReadonlyMap<string, TSystemClassification> = new Map<string, TSystemClassification>([
  ["github", "internal_data"],
  ["axiom", "internal_data"],
  ["slack", "internal_data"],
  ["company-chat", "neither"],
  ["telegram", "external_communication"],
  ["discord", "external_communication"],
  ["x", "external_communication"],
  ["gmail", "both"],
]);

export const POLICY: PolicyInput = {
  botEmailDomain: "acme.example",
  namingRule: { requiredTokens: ["bot", "agent"], orgPrefix: "acme-" },
  channelAllowlist: [],
  channelBlocklist: ["telegram", "discord"],
  reviewIntervalDays: 90,
};

/** The skills registry: the tools of FULL_PROFILE are approved. */
export const SKILLS = skillRegistryOf([{ name: "gh", version: "2.63.0", status: "approved" }]);

export const CTX: EvaluationContext = { policy: POLICY, systems: SYSTEMS, skills: SKILLS, now: NOW };

export function ctxWith(policy: Partial<PolicyInput>): EvaluationContext {
  return { ...CTX, policy: { ...POLICY, ...policy } };
}

export const FULL_PROFILE: TRuntimeProfile = {
  runtimeOwner: "platform@acme.example",
  hostingEnvironment: "k8s prod-eu / namespace bots",
  workspacePersistence: "ephemeral",
  networkAccessPolicy: ["api.github.com"],
  allowedTools: ["gh@2.63.0"],
  shellExecutionPolicy: "allowlist",
  dataRetention: "30 days",
  deletionProcedure: "Delete the namespace and the workspace volume",
  incidentResponseOwner: "security@acme.example",
};

let counter = 0;

/** A bot with no findings at all under CTX; override what a test is about. */
export function makeBot(overrides: Partial<BotFacts> = {}): BotFacts {
  counter += 1;
  const name = overrides.name ?? `triage-bot-${counter}`;
  return {
    id: `00000000-0000-4000-8000-${String(counter).padStart(12, "0")}`,
    name,
    email: `${name}.bot@acme.example`,
    environment: "production",
    status: "active",
    owner: { email: "alice@acme.example", status: "active" },
    internalDataAccess: "none",
    channels: ["slack"],
    grants: [],
    serviceAccounts: [],
    exception: null,
    createdAt: daysFromNow(-10),
    lastReviewedAt: null,
    runtimeProfile: FULL_PROFILE,
    credentialReferences: [],
    liveTokens: 0,
    runtime: { lastSeenAt: null, gaps: [] },
    ...overrides,
  };
}

export function grant(
  system: string,
  access: "read" | "write",
  expiresAt: Date | null = null,
  scope = `${system}:data:${access}`,
): BotFacts["grants"][number] {
  return { system, scope, access, expiresAt };
}

export function approvedException(overrides: Partial<NonNullable<BotFacts["exception"]>> = {}): NonNullable<BotFacts["exception"]> {
  return { status: "approved", expiresAt: null, allowedSystems: [], allowedChannels: [], ...overrides };
}
