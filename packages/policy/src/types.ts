import type {
  TDataAccessLevel,
  TEnvironment,
  TExceptionStatus,
  TFinding,
  TGrantAccess,
  TLifecycleStatus,
  TNamingRule,
  TPersonStatus,
  TRuntimeProfile,
  TSystemClassification,
} from "@bridle/contracts";
import type { SkillRegistry } from "./skills.ts";
import type { CredentialRotationFacts } from "./rotation.ts";

/** The org policy the rules read (a subset of TOrgPolicy). */
export type PolicyInput = {
  botEmailDomain: string;
  namingRule: TNamingRule;
  channelAllowlist: readonly string[];
  channelBlocklist: readonly string[];
  reviewIntervalDays: number;
};

/** Everything the rules need to know about one bot. Pure data: no I/O happens in this package. */
export type BotFacts = {
  id: string;
  name: string;
  email: string | null;
  environment: TEnvironment;
  status: TLifecycleStatus;
  /** null when the bot has no owner at all */
  owner: { email: string; status: TPersonStatus } | null;
  internalDataAccess: TDataAccessLevel;
  channels: readonly string[];
  grants: readonly { system: string; scope: string; access: TGrantAccess; expiresAt: Date | null }[];
  serviceAccounts: readonly { system: string; account: string }[];
  exception: {
    status: TExceptionStatus;
    expiresAt: Date | null;
    allowedSystems: readonly string[];
    allowedChannels: readonly string[];
  } | null;
  createdAt: Date;
  lastReviewedAt: Date | null;
  runtimeProfile: TRuntimeProfile;
  /** its credential references, for the rotation rule (rotation.ts) */
  credentialReferences: readonly CredentialRotationFacts[];
  /** how many of its runtime tokens are live (not revoked, not expired): the offboarding rule (offboarding.ts) */
  liveTokens: number;
  /**
   * What its runtime reported (runtime.ts): the latest heartbeat from any gateway (null: never),
   * and the enforcement gaps seen within ENFORCEMENT_GAP_WINDOW_DAYS, latest first.
   */
  runtime: RuntimeFacts;
};

export type RuntimeFacts = {
  lastSeenAt: Date | null;
  gaps: readonly { sessionId: string; kind: "undecided_call" | "reported"; tool: string | null; message: string; at: Date }[];
};

export type EvaluationContext = {
  policy: PolicyInput;
  /** connected system key -> classification; channels are looked up here too */
  systems: ReadonlyMap<string, TSystemClassification>;
  /** the skills registry, at least for the names the evaluated bots' allowed tools use */
  skills: SkillRegistry;
  now: Date;
};

export type { TFinding };
