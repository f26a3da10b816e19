export { createBridleClient, SDK_REASONS, type ApprovalOutcome, type BridleClient, type BridleClientOptions, type FailMode, type Verdict, type VerdictReason } from "./client.ts";
export { createEventReporter, startHeartbeats, type EventReporter, type EventReporterOptions, type EventReporterStats } from "./events.ts";
export { createDecisionVerifier, DECISION_JWS_TYPE, type DecisionVerifier } from "./verify.ts";
