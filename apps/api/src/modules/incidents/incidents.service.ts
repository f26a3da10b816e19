import {
  INCIDENT_AUDIT_EVIDENCE_HIDDEN,
  INCIDENT_PHASE_LABELS,
  INCIDENT_PHASE_WINDOW_MINUTES,
  INCIDENT_PHASES,
  type TBlastRadius,
  type TDeclareIncidentRequest,
  type TIncident,
  type TIncidentPhase,
  type TIncidentSummary,
  type TListIncidentsQuery,
  type TUpdateIncidentRequest,
  ZDeclareIncidentRequest,
  ZUpdateIncidentRequest,
} from "@bridle/contracts";
import type { Db, DbOrTx } from "@bridle/db";
import type { RequestCtx } from "../../lib/context.ts";
import { AppError, fieldError, invalidFields, notFound } from "../../lib/errors.ts";
import { decodeCursor, encodeCursor } from "../../lib/pagination.ts";
import { can } from "../../lib/permissions.ts";
import { isUuid } from "../../lib/sql.ts";
import { actorOf, auditEventsByIds, auditFootprint, denied, recordAudit } from "../audit/index.ts";
import { getBotDetail } from "../bots/index.ts";
import * as repo from "./incidents.repo.ts";
import { incidentMarkdown, incidentPdf } from "./incidents.summary.ts";

const HOUR_MS = 3_600_000;
/** How far before detection the blast radius looks (the log often shows the start before anyone noticed). */
export const BLAST_RADIUS_LOOKBACK_HOURS = 24;
const iso = (d: Date | null) => (d ? d.toISOString() : null);
const phaseIndex = (p: TIncidentPhase) => INCIDENT_PHASES.indexOf(p);
/** Long texts in an `incident.update` event are cut to this many characters. */
const AUDIT_TEXT_MAX = 500;

/** When each phase was left (met), from the row's stamps. */
function doneAtOf(r: repo.IncidentRow, phase: TIncidentPhase): Date | null {
  switch (phase) {
    case "stop_the_bleeding":
      return r.containedAt;
    case "classify":
      return r.classifiedAt;
    case "fix_and_prove":
      return r.fixedAt;
    case "make_it_stick":
      return r.closedAt;
    default:
      return null;
  }
}

function windowsOf(r: repo.IncidentRow, now: Date): TIncident["windows"] {
  return INCIDENT_PHASES.filter((p) => p !== "closed").map((phase) => {
    const minutes = INCIDENT_PHASE_WINDOW_MINUTES[phase];
    const dueAt = minutes === null ? null : new Date(r.detectedAt.getTime() + minutes * 60_000);
    const doneAt = doneAtOf(r, phase);
    const late = dueAt !== null && (doneAt ? doneAt > dueAt : now > dueAt);
    return { phase, label: INCIDENT_PHASE_LABELS[phase], dueAt: iso(dueAt), doneAt: iso(doneAt), late };
  });
}

function summaryOf(r: repo.IncidentRow, bots: { id: string; name: string }[]): TIncidentSummary {
  return {
    id: r.id,
    title: r.title,
    severity: r.severity as TIncidentSummary["severity"],
    phase: r.phase as TIncidentPhase,
    isDrill: r.isDrill,
    detectedAt: r.detectedAt.toISOString(),
    declaredAt: r.declaredAt.toISOString(),
    declaredBy: { type: r.declaredByType, label: r.declaredByType === "system" ? null : r.declaredByLabel },
    closedAt: iso(r.closedAt),
    botCount: bots.length,
    bots: bots.slice(0, 5).map((b) => ({ id: b.id, name: b.name })),
  };
}

/** What must be written before an incident may leave a phase, as field errors. */
function exitRequirements(next: repo.IncidentRow, from: TIncidentPhase, to: TIncidentPhase) {
  const fields = [];
  for (let i = phaseIndex(from); i < phaseIndex(to); i++) {
    const leaving = INCIDENT_PHASES[i]!;
    if (leaving === "stop_the_bleeding" && !next.containment?.trim())
      fields.push(fieldError("containment", "required", "say what was done to stop the bleeding before moving on"));
    if (leaving === "classify" && !next.rootCauseClass) fields.push(fieldError("rootCauseClass", "required", "classify the root cause before moving on"));
    if (leaving === "fix_and_prove" && !next.permanentFix?.trim())
      fields.push(fieldError("permanentFix", "required", "say what the permanent fix is and how it was proven before moving on"));
    if (leaving === "make_it_stick" && !next.newMonitors?.trim())
      fields.push(fieldError("newMonitors", "required", "name the new monitors (alerts, rules, reviews) before closing"));
  }
  return fields;
}

const cut = (v: unknown) => (typeof v === "string" && v.length > AUDIT_TEXT_MAX ? `${v.slice(0, AUDIT_TEXT_MAX)}…` : v);

/**
 * Incidents (README "Incidents"). Security and admins (`incidents.manage`) declare incidents and
 * drills and run their response; `incidents.read` (also IT and auditors) reads them and exports
 * their one-page summary, with the audit evidence only for `audit.read` (not IT). Every change and export is audited (`incident.*`, resource the
 * incident), and so is every refused attempt.
 */
export function createIncidentsService(deps: { db: Db; now?: () => Date }) {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());

  async function require(ctx: RequestCtx, permission: "incidents.manage" | "incidents.read", what: string, resourceId?: string) {
    if (can(ctx.principal, permission)) return;
    throw await denied(db, ctx, { action: "access.denied", resourceType: "incident", resourceId: resourceId ?? null, what });
  }

  /**
   * The blast radius: computed from the bots' records and the audit log, never stored. Without
   * `withAudit` the response actions (audit events) are left out, their count kept.
   */
  async function blastRadius(dbx: DbOrTx, r: repo.IncidentRow, botIds: string[], withAudit: boolean): Promise<TBlastRadius> {
    const from = new Date(r.detectedAt.getTime() - BLAST_RADIUS_LOOKBACK_HOURS * HOUR_MS);
    const to = r.closedAt ?? now();
    const details = (await Promise.all(botIds.map((id) => getBotDetail(dbx, id)))).filter((b) => b !== null);
    const name = new Map(details.map((b) => [b.id, b.name]));
    const footprint = await auditFootprint(dbx, { botIds, from, to });

    const systems = new Map<string, { via: Set<"grant" | "channel" | "decision">; bots: Set<string> }>();
    const touch = (key: string, via: "grant" | "channel" | "decision", bot: string) => {
      const s = systems.get(key) ?? { via: new Set(), bots: new Set() };
      s.via.add(via);
      s.bots.add(bot);
      systems.set(key, s);
    };
    const people = new Map<string, { roles: Set<"owner" | "acted">; bots: Set<string> }>();
    const person = (label: string, role: "owner" | "acted", bot: string) => {
      const p = people.get(label) ?? { roles: new Set(), bots: new Set() };
      p.roles.add(role);
      p.bots.add(bot);
      people.set(label, p);
    };
    for (const b of details) {
      for (const g of b.grants) touch(g.system, "grant", b.name);
      for (const c of b.channels) touch(c, "channel", b.name);
      if (b.owner) person(`${b.owner.displayName} <${b.owner.email}>`, "owner", b.name);
    }
    for (const t of footprint.targets) {
      const bot = name.get(t.botId) ?? t.botId;
      if (t.system) touch(t.system, "decision", bot);
      if (t.channel) touch(t.channel, "decision", bot);
    }
    for (const p of footprint.people) person(p.label, "acted", name.get(p.botId) ?? p.botId);
    const sorted = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => a.localeCompare(b));
    return {
      window: { from: from.toISOString(), to: to.toISOString() },
      bots: details
        .map((b) => ({ id: b.id, name: b.name, status: b.status, owner: b.owner?.email ?? null, team: b.team?.name ?? null }))
        .sort((a, b) => a.name.localeCompare(b.name)),
      systems: sorted(systems).map(([key, s]) => ({ key, via: [...s.via].sort(), bots: [...s.bots].sort() })),
      credentials: details.flatMap((b) =>
        b.credentialReferences.map((c) => ({ id: c.id, bot: b.name, system: c.system, reference: c.reference, status: c.status })),
      ),
      people: sorted(people).map(([label, p]) => ({ label, roles: [...p.roles].sort(), bots: [...p.bots].sort() })),
      activity: footprint.counts,
      responseEventCount: footprint.responses.length,
      responseEvents: (withAudit ? footprint.responses : []).map((e) => ({
        id: e.id,
        at: e.at.toISOString(),
        action: e.action,
        actor: e.actorType === "system" ? "Bridle" : (e.actorLabel ?? e.actorType),
        resourceType: e.resourceType,
        resourceId: e.resourceId,
      })),
    };
  }

  /**
   * The incident as the caller may see it. Audit evidence (the linked events with their notes, the
   * response actions) needs `audit.read`: `incidents.read` also reaches IT, who run containment
   * and offboarding but do not read the audit log (security review), so for them it is left out,
   * counted, and `auditEvidenceHidden` says who sees it. The inventory of the blast radius (bots,
   * systems, credential references, people) and the activity counts stay.
   */
  async function view(ctx: RequestCtx, dbx: DbOrTx, r: repo.IncidentRow): Promise<TIncident> {
    const withAudit = can(ctx.principal, "audit.read");
    const bots = await repo.botsOf(dbx, [r.id]);
    const linked = await repo.evidenceOf(dbx, r.id);
    const evidence = withAudit ? linked : [];
    const events = new Map((await auditEventsByIds(dbx, evidence.map((e) => e.auditEventId))).map((e) => [e.id, e]));
    return {
      ...summaryOf(r, bots),
      summary: r.summary,
      containment: r.containment,
      containedAt: iso(r.containedAt),
      rootCauseClass: (r.rootCauseClass as TIncident["rootCauseClass"]) ?? null,
      rootCause: r.rootCause,
      classifiedAt: iso(r.classifiedAt),
      permanentFix: r.permanentFix,
      fixedAt: iso(r.fixedAt),
      newMonitors: r.newMonitors,
      closedBy: r.closedByLabel,
      version: r.version,
      windows: windowsOf(r, now()),
      evidence: evidence.map((e) => {
        const ev = events.get(e.auditEventId);
        const details = (ev?.details ?? {}) as { botId?: unknown };
        return {
          auditEventId: e.auditEventId,
          at: e.auditEventAt.toISOString(),
          note: e.note,
          addedAt: e.addedAt.toISOString(),
          addedBy: e.addedByLabel,
          event: ev
            ? {
                seq: ev.seq,
                action: ev.action,
                outcome: ev.outcome,
                actor: ev.actorType === "system" ? "Bridle" : (ev.actorLabel ?? ev.actorType),
                resourceType: ev.resourceType,
                resourceId: ev.resourceId,
                sessionId: ev.sessionId,
                botId: ev.actorType === "bot" ? ev.actorId : ev.resourceType === "bot" ? ev.resourceId : typeof details.botId === "string" ? details.botId : null,
              }
            : null,
        };
      }),
      evidenceCount: linked.length,
      auditEvidenceHidden: withAudit ? null : INCIDENT_AUDIT_EVIDENCE_HIDDEN,
      blastRadius: await blastRadius(
        dbx,
        r,
        bots.map((b) => b.id),
        withAudit,
      ),
      mayManage: can(ctx.principal, "incidents.manage") && r.phase !== "closed",
    };
  }

  /** Checks that every bot exists; @returns their names by id. @throws 400 naming the unknown ones */
  async function checkBots(dbx: DbOrTx, botIds: string[]) {
    const found = await repo.existingBots(dbx, botIds);
    const known = new Set(found.map((b) => b.id));
    const missing = botIds.filter((id) => !known.has(id));
    if (missing.length)
      throw invalidFields(
        missing.map((id) => fieldError(["botIds", String(botIds.indexOf(id))], "unknown_reference", `no bot has the id ${id}`)),
        "Some of the bots do not exist",
      );
    return found;
  }

  /** The audit events to link, checked to exist. @throws 400 naming the unknown ones */
  async function checkEvidence(dbx: DbOrTx, items: { auditEventId: string; note?: string | undefined }[], path: string) {
    const ids = [...new Set(items.map((e) => e.auditEventId))];
    const found = new Map((await auditEventsByIds(dbx, ids)).map((e) => [e.id, e]));
    const missing = items.map((e, i) => [e, i] as const).filter(([e]) => !found.has(e.auditEventId));
    if (missing.length)
      throw invalidFields(
        missing.map(([e, i]) => fieldError([path, String(i), "auditEventId"], "unknown_reference", `no audit event has the id ${e.auditEventId}`)),
        "Some of the evidence is not in the audit log",
      );
    return items.map((e) => ({ auditEventId: e.auditEventId, auditEventAt: found.get(e.auditEventId)!.at, note: e.note ?? null }));
  }

  /**
   * Declares an incident (or a drill) in phase `stop_the_bleeding`. @throws 403 (audited), 400
   * (unknown bots or audit events, a detection time in the future)
   */
  async function declare(ctx: RequestCtx, body: TDeclareIncidentRequest): Promise<TIncident> {
    await require(ctx, "incidents.manage", "declare an incident");
    const input = ZDeclareIncidentRequest.parse(body);
    const detectedAt = input.detectedAt ? new Date(input.detectedAt) : now();
    if (detectedAt.getTime() > now().getTime() + 60_000)
      throw invalidFields([fieldError("detectedAt", "invalid", "cannot be in the future")], "Detected at cannot be in the future");
    const botIds = [...new Set(input.botIds)];
    const actor = actorOf(ctx.principal);
    const declared = await db.transaction(async (tx) => {
      const bots = await checkBots(tx, botIds);
      const evidence = await checkEvidence(tx, input.evidence, "evidence");
      const row = await repo.insertIncident(tx, {
        title: input.title,
        severity: input.severity,
        isDrill: input.isDrill,
        summary: input.summary,
        detectedAt,
        declaredByType: actor.type,
        declaredById: actor.id,
        declaredByLabel: actor.label,
      });
      await repo.replaceBots(tx, row.id, botIds);
      await repo.addEvidence(
        tx,
        evidence.map((e) => ({ ...e, incidentId: row.id, addedByLabel: actor.label })),
      );
      await recordAudit(tx, {
        actor,
        action: "incident.declare",
        resourceType: "incident",
        resourceId: row.id,
        outcome: "success",
        details: {
          incidentId: row.id,
          title: row.title,
          severity: row.severity,
          isDrill: row.isDrill,
          detectedAt: detectedAt.toISOString(),
          bots: bots.map((b) => b.name).sort(),
          evidence: evidence.length,
        },
      });
      return row;
    });
    return view(ctx, db, declared);
  }

  /** The incident, for a caller who may read incidents. @throws 403 (audited) before 404 */
  async function readable(ctx: RequestCtx, id: string): Promise<repo.IncidentRow> {
    await require(ctx, "incidents.read", "read this incident", isUuid(id) ? id : undefined);
    const row = isUuid(id) ? await repo.getIncident(db, id) : null;
    if (!row) throw notFound("Incident");
    return row;
  }

  /** One incident with its windows, evidence and blast radius. @throws 404, 403 (audited) */
  async function get(ctx: RequestCtx, id: string): Promise<TIncident> {
    return view(ctx, db, await readable(ctx, id));
  }

  /** Incidents, newest declared first, 50 a page. @throws 403 (audited) */
  async function list(ctx: RequestCtx, q: TListIncidentsQuery): Promise<{ items: TIncidentSummary[]; nextCursor: string | null }> {
    await require(ctx, "incidents.read", "list incidents");
    const cursor = decodeCursor(q.cursor);
    const after = cursor && typeof cursor.k === "string" ? { at: new Date(cursor.k), id: cursor.id } : null;
    const rows = await repo.listIncidents(db, { open: q.open === undefined ? undefined : q.open === "true", drills: q.drills, limit: q.limit, after });
    const page = rows.slice(0, q.limit);
    const bots = await repo.botsOf(
      db,
      page.map((r) => r.id),
    );
    const last = page.at(-1);
    return {
      items: page.map((r) =>
        summaryOf(
          r,
          bots.filter((b) => b.incidentId === r.id),
        ),
      ),
      nextCursor: rows.length > q.limit && last ? encodeCursor({ k: last.declaredAt.toISOString(), id: last.id }) : null,
    };
  }

  /**
   * Changes an incident at `version`. The phase only moves forward; leaving a phase needs what it
   * asks for (containment, root-cause class, permanent fix, new monitors) and stamps when its window
   * was met; `closed` is final. @throws 404, 403 (audited), 409 (version, closed), 400
   */
  async function update(ctx: RequestCtx, id: string, body: TUpdateIncidentRequest): Promise<TIncident> {
    const input = ZUpdateIncidentRequest.parse(body);
    await require(ctx, "incidents.manage", "change this incident", id);
    await readable(ctx, id);
    const actor = actorOf(ctx.principal);
    const updated = await db.transaction(async (tx) => {
      const cur = (await repo.getIncident(tx, id, { forUpdate: true }))!;
      if (cur.version !== input.version)
        throw new AppError("conflict", "Someone changed this incident since you loaded it; reload and try again", { currentVersion: cur.version });
      if (cur.phase === "closed") throw new AppError("conflict", "This incident is closed; closed incidents are final");
      const from = cur.phase as TIncidentPhase;
      const to = input.phase ?? from;
      if (phaseIndex(to) < phaseIndex(from))
        throw invalidFields([fieldError("phase", "invalid", `The phase only moves forward: this incident is past "${INCIDENT_PHASE_LABELS[to]}"`)]);
      const set: Partial<repo.IncidentRow> = {};
      for (const k of ["title", "severity", "summary", "containment", "rootCauseClass", "rootCause", "permanentFix", "newMonitors"] as const)
        if (input[k] !== undefined && input[k] !== cur[k]) (set as Record<string, unknown>)[k] = input[k];
      const next = { ...cur, ...set };
      const missing = exitRequirements(next, from, to);
      if (missing.length) throw invalidFields(missing);
      const at = now();
      if (to !== from) {
        set.phase = to;
        for (let i = phaseIndex(from); i < phaseIndex(to); i++) {
          const leaving = INCIDENT_PHASES[i]!;
          if (leaving === "stop_the_bleeding") set.containedAt = at;
          if (leaving === "classify") set.classifiedAt = at;
          if (leaving === "fix_and_prove") set.fixedAt = at;
          if (leaving === "make_it_stick") {
            set.closedAt = at;
            set.closedByLabel = actor.label;
          }
        }
      }
      const changes: Record<string, { before: unknown; after: unknown }> = {};
      for (const [k, v] of Object.entries(set))
        if (!k.endsWith("At") && k !== "closedByLabel") changes[k] = { before: cut(cur[k as keyof repo.IncidentRow] ?? null), after: cut(v) };
      if (input.botIds) {
        const botIds = [...new Set(input.botIds)];
        const before = await repo.botsOf(tx, [id]);
        const after = await checkBots(tx, botIds);
        const names = (bs: { name: string }[]) => bs.map((b) => b.name).sort();
        if (names(before).join("\n") !== names(after).join("\n")) {
          await repo.replaceBots(tx, id, botIds);
          changes.bots = { before: names(before), after: names(after) };
        }
      }
      if (!Object.keys(changes).length) return cur;
      const row = await repo.updateIncident(tx, id, set);
      await recordAudit(tx, {
        actor,
        action: "incident.update",
        resourceType: "incident",
        resourceId: id,
        outcome: "success",
        details: { incidentId: id, title: row.title, changes },
      });
      return row;
    });
    // read after the commit: the view's queries would share the transaction's one connection
    return view(ctx, db, updated);
  }

  /** Links audit events as evidence (an event already linked is kept once). @throws 404, 403 (audited), 409 (closed), 400 */
  async function addEvidence(ctx: RequestCtx, id: string, items: { auditEventId: string; note?: string | undefined }[]): Promise<TIncident> {
    await require(ctx, "incidents.manage", "add evidence to this incident", id);
    await readable(ctx, id);
    const actor = actorOf(ctx.principal);
    const cur = await db.transaction(async (tx) => {
      const cur = (await repo.getIncident(tx, id, { forUpdate: true }))!;
      if (cur.phase === "closed") throw new AppError("conflict", "This incident is closed; closed incidents are final");
      const evidence = await checkEvidence(tx, items, "evidence");
      const added = await repo.addEvidence(
        tx,
        evidence.map((e) => ({ ...e, incidentId: id, addedByLabel: actor.label })),
      );
      if (added.length)
        await recordAudit(tx, {
          actor,
          action: "incident.evidence_add",
          resourceType: "incident",
          resourceId: id,
          outcome: "success",
          details: { incidentId: id, title: cur.title, auditEventIds: added },
        });
      return cur;
    });
    return view(ctx, db, cur);
  }

  /**
   * The one-page summary, as Markdown or PDF, with a file name; the export is audited (with
   * whether the audit evidence went into it). Built from the caller's view, so a caller without
   * `audit.read` gets the counts and the line saying who sees the audit evidence instead.
   * @throws 404, 403 (audited)
   */
  async function exportSummary(ctx: RequestCtx, id: string, format: "md" | "pdf"): Promise<{ filename: string; contentType: string; body: Buffer | string }> {
    const incident = await get(ctx, id);
    await recordAudit(db, {
      actor: actorOf(ctx.principal),
      action: "incident.export",
      resourceType: "incident",
      resourceId: id,
      outcome: "success",
      details: { incidentId: id, title: incident.title, format, auditEvidence: incident.auditEvidenceHidden === null ? "included" : "withheld" },
    });
    const base = `incident-${incident.declaredAt.slice(0, 10)}-${incident.id.slice(0, 8)}${incident.isDrill ? "-drill" : ""}`;
    const generatedAt = now();
    if (format === "pdf") return { filename: `${base}.pdf`, contentType: "application/pdf", body: await incidentPdf(incident, generatedAt) };
    return { filename: `${base}.md`, contentType: "text/markdown; charset=utf-8", body: incidentMarkdown(incident, generatedAt) };
  }

  return { declare, get, list, update, addEvidence, exportSummary };
}
export type IncidentsService = ReturnType<typeof createIncidentsService>;
