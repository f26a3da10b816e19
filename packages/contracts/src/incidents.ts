import { z } from "zod";
import { ZTimestamp } from "./common.ts";

/**
 * Incidents (README "Incidents"): a record per incident or drill that follows the response windows
 * of agent incident practice: stop the bleeding (0-15 min after detection), classify it (by 1 h),
 * fix and prove it (1-24 h), make it stick (monitors, policy), then close. Its blast radius (bots,
 * systems, credentials, people) is computed from the inventory and the audit log, never typed in.
 */
export const INCIDENT_PHASES = ["stop_the_bleeding", "classify", "fix_and_prove", "make_it_stick", "closed"] as const;
export const ZIncidentPhase = z.enum(INCIDENT_PHASES);
export type TIncidentPhase = z.infer<typeof ZIncidentPhase>;

export const INCIDENT_PHASE_LABELS: Record<TIncidentPhase, string> = {
  stop_the_bleeding: "Stop the bleeding",
  classify: "Classify",
  fix_and_prove: "Fix and prove",
  make_it_stick: "Make it stick",
  closed: "Closed",
};

/**
 * When each phase should be done, in minutes after detection (null: no window). Stop the bleeding
 * within 15 minutes, classify within the hour, fix and prove within 24 hours.
 */
export const INCIDENT_PHASE_WINDOW_MINUTES: Record<TIncidentPhase, number | null> = {
  stop_the_bleeding: 15,
  classify: 60,
  fix_and_prove: 24 * 60,
  make_it_stick: null,
  closed: null,
};

export const INCIDENT_SEVERITIES = ["low", "medium", "high", "critical"] as const;
export const ZIncidentSeverity = z.enum(INCIDENT_SEVERITIES);
export type TIncidentSeverity = z.infer<typeof ZIncidentSeverity>;

/** What caused it, as the field classifies agent incidents. */
export const ROOT_CAUSE_CLASSES = ["misconfiguration", "insider_misuse", "external_attack", "unknown"] as const;
export const ZRootCauseClass = z.enum(ROOT_CAUSE_CLASSES);
export type TRootCauseClass = z.infer<typeof ZRootCauseClass>;
export const ROOT_CAUSE_LABELS: Record<TRootCauseClass, string> = {
  misconfiguration: "Misconfiguration",
  insider_misuse: "Insider misuse",
  external_attack: "External attack",
  unknown: "Unknown yet",
};

const text = (max: number) => z.string().trim().max(max);

/** Declaring an incident (security, admins). `botIds`: the bots involved; the blast radius grows from them. */
export const ZDeclareIncidentRequest = z
  .object({
    title: text(200).min(1),
    severity: ZIncidentSeverity,
    detectedAt: ZTimestamp.optional().describe("When it was detected (default: now); the response windows count from here"),
    isDrill: z.boolean().default(false).describe("A rehearsal: recorded and exported like an incident, marked DRILL everywhere"),
    summary: text(10_000).default(""),
    botIds: z.array(z.uuid()).max(200).default([]),
    evidence: z
      .array(z.object({ auditEventId: z.uuid(), note: text(1000).optional() }).strict())
      .max(200)
      .default([])
      .describe("Audit events to link as evidence (an alert's, a kill switch's, a decision's)"),
  })
  .strict();
export type TDeclareIncidentRequest = z.input<typeof ZDeclareIncidentRequest>;

/**
 * A change to an incident, at `version` (409 `version_conflict` when someone changed it first).
 * Moving `phase` forward records when each window was met; closing needs a root-cause class and the
 * permanent fix; `make_it_stick` and `closed` need the new monitors.
 */
export const ZUpdateIncidentRequest = z
  .object({
    version: z.number().int().min(1),
    title: text(200).min(1).optional(),
    severity: ZIncidentSeverity.optional(),
    summary: text(10_000).optional(),
    phase: ZIncidentPhase.optional(),
    containment: text(10_000).optional().describe("What was done to stop the bleeding (a kill switch, a paused bot, a revoked credential)"),
    rootCauseClass: ZRootCauseClass.optional(),
    rootCause: text(10_000).optional(),
    permanentFix: text(10_000).optional(),
    newMonitors: text(10_000).optional().describe("The alerts, rules or reviews added so it does not happen again"),
    botIds: z.array(z.uuid()).max(200).optional().describe("Replaces the bots involved"),
  })
  .strict();
export type TUpdateIncidentRequest = z.input<typeof ZUpdateIncidentRequest>;

export const ZAddIncidentEvidenceRequest = z
  .object({ evidence: z.array(z.object({ auditEventId: z.uuid(), note: text(1000).optional() }).strict()).min(1).max(200) })
  .strict();

export const ZIncidentActor = z.object({ type: z.string(), label: z.string().nullable() }).meta({ id: "IncidentActor" });

export const ZIncidentSummary = z
  .object({
    id: z.uuid(),
    title: z.string(),
    severity: ZIncidentSeverity,
    phase: ZIncidentPhase,
    isDrill: z.boolean(),
    detectedAt: ZTimestamp,
    declaredAt: ZTimestamp,
    declaredBy: ZIncidentActor,
    closedAt: ZTimestamp.nullable(),
    botCount: z.number().int(),
    bots: z.array(z.object({ id: z.uuid(), name: z.string() })).describe("The first 5 bots involved, by name"),
  })
  .meta({ id: "IncidentSummary" });
export type TIncidentSummary = z.infer<typeof ZIncidentSummary>;

/** A response window: when it is due (detection + window) and when it was met (the phase left). */
export const ZIncidentWindow = z.object({
  phase: ZIncidentPhase,
  label: z.string(),
  dueAt: ZTimestamp.nullable(),
  doneAt: ZTimestamp.nullable(),
  /** done after its due time, or still open past it */
  late: z.boolean(),
});

/**
 * What an incident's reader without `audit.read` (IT: they read incidents to run containment and
 * offboarding) is told in place of its audit evidence: the linked events and the response actions
 * are left out of the view and the exported summary, their counts stay.
 */
export const INCIDENT_AUDIT_EVIDENCE_HIDDEN = "Audit evidence is visible to security, admins and auditors";

export const ZIncidentEvidence = z
  .object({
    auditEventId: z.uuid(),
    at: ZTimestamp,
    note: z.string().nullable(),
    addedAt: ZTimestamp,
    addedBy: z.string().nullable(),
    /** the event as the log holds it; null when retention has dropped it */
    event: z
      .object({ seq: z.number().int(), action: z.string(), outcome: z.string(), actor: z.string(), resourceType: z.string(), resourceId: z.string().nullable(), sessionId: z.string().nullable(), botId: z.string().nullable() })
      .nullable(),
  })
  .meta({ id: "IncidentEvidence" });

/**
 * Who and what the incident touched, computed when read: the bots involved; the systems they hold
 * grants on, post to, or named in a decision within the window; their credential references; the
 * people who own them or acted on them within the window; and the kill-switch actions and alerts
 * recorded in the window.
 */
export const ZBlastRadius = z
  .object({
    window: z.object({ from: ZTimestamp, to: ZTimestamp }),
    bots: z.array(z.object({ id: z.uuid(), name: z.string(), status: z.string(), owner: z.string().nullable(), team: z.string().nullable() })),
    systems: z.array(z.object({ key: z.string(), via: z.array(z.enum(["grant", "channel", "decision"])), bots: z.array(z.string()) })),
    credentials: z.array(z.object({ id: z.uuid(), bot: z.string(), system: z.string(), reference: z.string().describe("Where it lives in the vault (never the secret)"), status: z.string() })),
    people: z.array(z.object({ label: z.string(), roles: z.array(z.enum(["owner", "acted"])), bots: z.array(z.string()) })),
    activity: z.object({
      events: z.number().int().describe("Audit events of the bots in the window"),
      decisionsAllowed: z.number().int(),
      decisionsDenied: z.number().int(),
      approvalsRequested: z.number().int(),
      toolCalls: z.number().int(),
    }),
    /** kill-switch actions, alerts and pauses recorded in the window (audit events), newest first, at most 50; empty for a caller without `audit.read` (see responseEventCount) */
    responseEvents: z.array(z.object({ id: z.uuid(), at: ZTimestamp, action: z.string(), actor: z.string(), resourceType: z.string(), resourceId: z.string().nullable() })),
    responseEventCount: z.number().int().describe("How many response actions the log holds in the window (at most 50), also when responseEvents is withheld"),
  })
  .meta({ id: "BlastRadius" });
export type TBlastRadius = z.infer<typeof ZBlastRadius>;

export const ZIncident = ZIncidentSummary.extend({
  summary: z.string(),
  containment: z.string().nullable(),
  containedAt: ZTimestamp.nullable(),
  rootCauseClass: ZRootCauseClass.nullable(),
  rootCause: z.string().nullable(),
  classifiedAt: ZTimestamp.nullable(),
  permanentFix: z.string().nullable(),
  fixedAt: ZTimestamp.nullable(),
  newMonitors: z.string().nullable(),
  closedBy: z.string().nullable(),
  version: z.number().int(),
  windows: z.array(ZIncidentWindow),
  evidence: z.array(ZIncidentEvidence).describe("The linked audit events; empty for a caller without `audit.read` (see evidenceCount, auditEvidenceHidden)"),
  evidenceCount: z.number().int().describe("How many audit events are linked as evidence, also when evidence is withheld"),
  auditEvidenceHidden: z
    .string()
    .nullable()
    .describe(`Why the audit-derived evidence (the linked events, their notes, the response actions) is left out, for a caller without audit.read: "${INCIDENT_AUDIT_EVIDENCE_HIDDEN}"; null when it is shown`),
  blastRadius: ZBlastRadius,
  mayManage: z.boolean(),
}).meta({ id: "Incident" });
export type TIncident = z.infer<typeof ZIncident>;

export const ZListIncidentsQuery = z
  .object({
    open: z.enum(["true", "false"]).optional().describe("true: not closed; false: closed"),
    drills: z.enum(["include", "exclude", "only"]).default("include"),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(500).optional(),
  })
  .strict();
export type TListIncidentsQuery = z.infer<typeof ZListIncidentsQuery>;

export const ZIncidentPage = z.object({ items: z.array(ZIncidentSummary), nextCursor: z.string().nullable() }).meta({ id: "IncidentPage" });

export const ZIncidentExportQuery = z.object({ format: z.enum(["md", "pdf"]).default("md") }).strict();
