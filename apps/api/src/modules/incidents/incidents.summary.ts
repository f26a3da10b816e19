import { INCIDENT_PHASE_LABELS, ROOT_CAUSE_LABELS, type TIncident } from "@bridle/contracts";
import PDFDocument from "pdfkit";

/**
 * The one-page incident summary, as Markdown and as PDF (pdfkit, its built-in Helvetica): the same
 * sections in the same order, built from one outline so the two never disagree. Times are UTC.
 * Built from the reader's view: without `audit.read` the evidence and response sections carry
 * counts and the line saying who sees the audit evidence.
 */

type Section = { title: string; lines: string[] };

const utc = (s: string | null) => (s ? `${s.slice(0, 16).replace("T", " ")} UTC` : "not yet");
const orNone = (s: string | null | undefined) => (s && s.trim() ? s.trim() : "not recorded yet");
/** Lists are cut so the summary stays one page; the console has the rest. */
const MAX_ITEMS = 8;
const capped = <T>(xs: T[], line: (x: T) => string, what: string): string[] =>
  xs.length === 0 ? [`No ${what}.`] : [...xs.slice(0, MAX_ITEMS).map(line), ...(xs.length > MAX_ITEMS ? [`and ${xs.length - MAX_ITEMS} more ${what} (see the console)`] : [])];

function outline(i: TIncident, generatedAt: Date): { title: string; subtitle: string; sections: Section[] } {
  const br = i.blastRadius;
  // the reader may not see the audit evidence (no audit.read): counts and who does, instead
  const hidden = i.auditEvidenceHidden;
  const title = `${i.isDrill ? "DRILL: " : ""}${i.title}`;
  const subtitle = `Severity ${i.severity} · ${INCIDENT_PHASE_LABELS[i.phase]} · detected ${utc(i.detectedAt)} · declared by ${i.declaredBy.label ?? "Bridle"} · summary generated ${utc(generatedAt.toISOString())}`;
  return {
    title,
    subtitle,
    sections: [
      { title: "What happened", lines: [orNone(i.summary)] },
      {
        title: "Response windows",
        lines: i.windows.map((w) => `${w.label}: due ${w.dueAt ? utc(w.dueAt) : "no deadline"}, done ${utc(w.doneAt)}${w.late ? " (LATE)" : ""}`),
      },
      { title: "Containment", lines: [orNone(i.containment)] },
      {
        title: "Root cause",
        lines: [`Class: ${i.rootCauseClass ? ROOT_CAUSE_LABELS[i.rootCauseClass] : "not classified yet"}`, orNone(i.rootCause)],
      },
      { title: "Permanent fix", lines: [orNone(i.permanentFix)] },
      { title: "New monitors", lines: [orNone(i.newMonitors)] },
      {
        title: `Blast radius (from the inventory and the audit log, ${utc(br.window.from)} to ${utc(br.window.to)})`,
        lines: [
          `Bots: ${br.bots.length ? br.bots.map((b) => `${b.name} (${b.status}${b.owner ? `, owner ${b.owner}` : ", no owner"})`).join("; ") : "none named"}`,
          `Systems: ${br.systems.length ? br.systems.map((s) => `${s.key} (${s.via.join(", ")})`).join("; ") : "none"}`,
          `Credentials: ${br.credentials.length ? br.credentials.map((c) => `${c.system} ${c.reference} [${c.status}] of ${c.bot}`).join("; ") : "none"}`,
          `People: ${br.people.length ? br.people.map((p) => `${p.label} (${p.roles.join(", ")})`).join("; ") : "none"}`,
          `Activity: ${br.activity.events} audit events; ${br.activity.decisionsAllowed} decisions allowed, ${br.activity.decisionsDenied} denied; ${br.activity.approvalsRequested} approvals requested; ${br.activity.toolCalls} tool calls`,
        ],
      },
      {
        title: "Response actions in the log",
        lines: hidden
          ? [`${br.responseEventCount} response actions in the log. ${hidden}.`]
          : capped(br.responseEvents, (e) => `${utc(e.at)} ${e.action} by ${e.actor}`, "response actions"),
      },
      {
        title: "Evidence (audit events)",
        lines: hidden
          ? [`${i.evidenceCount} audit events linked as evidence. ${hidden}.`]
          : capped(
              i.evidence,
              (e) => `${utc(e.at)} ${e.event ? `#${e.event.seq} ${e.event.action} (${e.event.outcome}) by ${e.event.actor}` : `${e.auditEventId} (no longer in the log)`}${e.note ? `: ${e.note}` : ""}`,
              "evidence",
            ),
      },
    ],
  };
}

/** Markdown: a heading, the subtitle, one `##` section each; list items for multi-line sections. */
export function incidentMarkdown(i: TIncident, generatedAt: Date): string {
  const o = outline(i, generatedAt);
  const esc = (s: string) => s.replace(/([\\`*_[\]<>#|])/g, "\\$1");
  const out = [`# ${esc(o.title)}`, "", `_${esc(o.subtitle)}_`, ""];
  for (const s of o.sections) {
    out.push(`## ${esc(s.title)}`, "");
    if (s.lines.length === 1) out.push(esc(s.lines[0]!), "");
    else out.push(...s.lines.map((l) => `- ${esc(l)}`), "");
  }
  out.push(`Incident ${i.id}${i.isDrill ? " (drill)" : ""}. Exported from Bridle.`, "");
  return out.join("\n");
}

/** PDF (A4): the same outline; long texts are cut so it stays about one page. */
export function incidentPdf(i: TIncident, generatedAt: Date): Promise<Buffer> {
  const o = outline(i, generatedAt);
  const doc = new PDFDocument({ size: "A4", margin: 40, info: { Title: o.title, Author: "Bridle", Subject: "Incident summary" } });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  const width = doc.page.width - 80;
  const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);
  doc.font("Helvetica-Bold").fontSize(15).text(o.title, { width });
  doc.moveDown(0.2).font("Helvetica").fontSize(8).fillColor("#555555").text(o.subtitle, { width }).fillColor("#000000");
  for (const s of o.sections) {
    doc.moveDown(0.5).font("Helvetica-Bold").fontSize(10).text(s.title, { width });
    doc.font("Helvetica").fontSize(8.5);
    for (const line of s.lines) doc.text(clip(line, 900), { width, indent: s.lines.length > 1 ? 6 : 0 });
  }
  doc.moveDown(0.6).fontSize(7).fillColor("#777777").text(`Incident ${i.id}${i.isDrill ? " (drill)" : ""}. Exported from Bridle.`, { width });
  doc.end();
  return done;
}
