import type { TRunbook } from "@bridle/contracts";
import type { Db } from "@bridle/db";
import { activePeopleAmong, type ActivePerson } from "../people/index.ts";
import * as repo from "./kill-switch.repo.ts";

const person = (p: ActivePerson) => ({ displayName: p.displayName, email: p.email, roles: p.roles });
const names = (ps: readonly ActivePerson[]) => (ps.length ? ps.map((p) => `${p.displayName} <${p.email}>`).join(", ") : "nobody yet (assign the role)");

/**
 * The on-call runbook, generated from data at each read (any signed-in person): who can pause
 * which bot or channel (roles and the active people holding them), how to use the kill switch
 * (console and curl), the incident response owners (active people with the security role), where
 * to search first, and how to roll back to a known-good configuration. The rules it states are the
 * ones the kill-switch service and the policy routes enforce (README "Kill switch and read-only mode").
 */
export function createRunbookService(deps: { db: Db; publicUrl: string | undefined }) {
  const { db } = deps;

  /** `seesEverySwitch`: readers of every bot see which switches are engaged; others only how many. */
  async function runbook(opts: { seesEverySwitch: boolean }): Promise<TRunbook> {
    const [security, admins, it, settings, engaged] = await Promise.all([
      activePeopleAmong(db, { roles: ["security"] }),
      activePeopleAmong(db, { roles: ["admin"] }),
      activePeopleAmong(db, { roles: ["it"] }),
      repo.getSettings(db),
      repo.engagedSwitches(db),
    ]);
    const base = deps.publicUrl ?? "https://bridle.example";
    const anyScope = [...new Map([...security, ...admins].map((p) => [p.id, p])).values()];
    return {
      generatedAt: new Date().toISOString(),
      sections: [
        {
          id: "who_can_pause",
          title: "Who can pause which bot or channel",
          paragraphs: [
            `Any scope (one bot, a team's bots, every bot on a channel, every bot using a skill, or every bot): people with the security or admin role: ${names(anyScope)}.`,
            `One bot: its owner, and IT (${names(it)}), from the bot's page. They can resume only a switch they engaged themselves; a switch security engaged stays until security or an admin resumes it.`,
            settings.resumeRequiresSecondPerson
              ? "Resuming needs a second person: the first resume is a request, and a different person with the security or admin role confirms it."
              : "Resuming is one explicit, audited action with a reason (this organisation does not require a second person; an admin can turn that on on the Kill switch page).",
          ],
          people: anyScope.map(person),
          links: [{ label: "Kill switch", path: "/kill-switch" }],
          code: null,
        },
        {
          id: "kill_switch",
          title: "How to use the kill switch",
          paragraphs: [
            engaged.length
              ? `${engaged.length === 1 ? "1 kill switch is" : `${engaged.length} kill switches are`} engaged right now${opts.seesEverySwitch ? `: ${engaged.map((s) => `${s.subjectLabel} (${s.mode === "pause" ? "paused" : "read-only"}, by ${s.engagedByEmail})`).join("; ")}` : " (the Kill switch page shows those halting your bots)"}.`
              : "No kill switch is engaged right now.",
            "In the console: Kill switch, then Engage kill switch: choose the scope, Pause (every action denied) or Read-only (every write-type action denied, reads allowed), and a reason. The confirmation says how many bots it halts right now; confirm. Every replica denies those bots' next decisions within a second; a bot that joins the scope later is halted too.",
            "To stop one bot: open it in the Inventory and choose Pause with kill switch.",
            "Resume from the same page with a reason once the cause is contained. Engaging, resuming and every refused attempt are in the audit log.",
          ],
          people: [],
          links: [{ label: "Kill switch", path: "/kill-switch" }],
          code: `curl -X POST ${base}/api/v1/kill-switch -H "authorization: Bearer $BRIDLE_TOKEN" -H "content-type: application/json" -d '{"scope":{"kind":"bot","subject":"<bot id>"},"mode":"pause","reason":"<why>"}'`,
        },
        {
          id: "incident_owners",
          title: "Incident response owners",
          paragraphs: [
            `People with the security role own incident response: ${names(security)}.`,
            `Admins change org policy and can roll it back: ${names(admins)}. IT revokes credentials and runs offboarding: ${names(it)}.`,
            "Each bot's runtime profile also names its own incident response owner (the bot's page).",
          ],
          people: security.map(person),
          links: [{ label: "People", path: "/people" }],
          code: null,
        },
        {
          id: "search_first",
          title: "Where to search first",
          paragraphs: [
            "The audit log, filtered by the bot: its decisions (denied ones first), its runtime events and every change made to it.",
            "The bot's sessions: what its runtime reported, call by call, with the decisions it asked for.",
            "Findings and enforcement gaps: a tool run without a decision, a silent runtime, a Golden Rule break.",
            "Approvals: gated actions asked for or approved around the time of the incident.",
          ],
          people: [],
          links: [
            { label: "Audit log", path: "/audit" },
            { label: "Findings", path: "/findings" },
            { label: "Approvals", path: "/approvals" },
            { label: "Leak playbooks", path: "/leak-playbooks" },
          ],
          code: null,
        },
        {
          id: "roll_back",
          title: "How to roll back to the last known-good configuration",
          paragraphs: [
            "The org policy and the gated-action rules keep every version: who saved it, when, and what changed against the one before.",
            "Open Org policy (or Gated actions), then Versions: Show changes on each until you find the last known-good one, then Roll back to this. It is one action, audited, and makes a new version with that content; every replica decides with it at once.",
            "Per-bot overrides and connected systems' classifications are not part of these versions: check them on the bot's page and under Connected systems.",
          ],
          people: admins.map(person),
          links: [
            { label: "Org policy versions", path: "/policy" },
            { label: "Gated action versions", path: "/policy/gated-actions" },
          ],
          code: null,
        },
      ],
    };
  }

  return { runbook };
}
export type RunbookService = ReturnType<typeof createRunbookService>;
