import {
  GATED_ACTIONS,
  RUNTIME_SILENT_AFTER_MINUTES,
  type TFindingKind,
  type TReadiness,
  type TReadinessControl,
  type TReadinessLink,
  type TReadinessStatus,
  type TReadinessVerdict,
} from "@bridle/contracts";
import type { Db } from "@bridle/db";
import { RULES } from "@bridle/policy";
import * as repo from "./readiness.repo.ts";

/** How many failing things a control names, each with its link (the filtered list holds the rest). */
export const READINESS_EXAMPLES = 5;

const DAY_MS = 86_400_000;

/**
 * What a pluggable control (alerts, the incident process) reports about itself, from the module
 * that owns it, passed in by the app's wiring. Absent, the control reads `not_applicable`.
 */
export type ReadinessProbe = () => Promise<{
  status: Exclude<TReadinessStatus, "not_applicable">;
  detail: string;
  failing?: number;
  total?: number;
  examples?: TReadinessControl["examples"];
  links?: TReadinessLink[];
}>;

export type ReadinessProviders = {
  /** alert rules exist and are on (the alerts module) */
  alertsReady?: ReadinessProbe;
  /** an incident process exists: response owners, a runbook (the incidents module) */
  incidentsReady?: ReadinessProbe;
};

type Static = Pick<TReadinessControl, "id" | "title" | "explanation" | "source">;
type Result = Pick<TReadinessControl, "status" | "detail" | "failing" | "total" | "examples" | "links">;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const botHref = (b: { id: string }) => `/bots/${b.id}`;
const botExamples = (bots: readonly { id: string; name: string }[]) => bots.slice(0, READINESS_EXAMPLES).map((b) => ({ label: b.name, href: botHref(b) }));
const findingLink = (kind: TFindingKind, n: number, what: string): TReadinessLink => ({ label: `${plural(n, "bot")} ${what}`, href: `/bots?finding=${kind}` });
const ruleOf = (...kinds: TFindingKind[]) => kinds.map((k) => RULES[k].rule).join(", ");

const NO_BOTS: Result = { status: "not_applicable", detail: "No bots in the inventory yet: nothing to check.", failing: 0, total: 0, examples: [], links: [] };

/**
 * The readiness overview (README "Readiness overview"): one line per control the field recommends
 * before agents go into broad production use, each computed from the org's data now (mostly the
 * findings stored on each bot), with what fails it. Read only; nothing is stored.
 */
export function createReadinessService(deps: { db: Db; providers?: ReadinessProviders }) {
  const { db } = deps;
  const providers = deps.providers ?? {};

  async function overview(now = new Date()): Promise<TReadiness> {
    const all = await repo.loadBots(db);
    const gated = await repo.loadGatedActionModes(db);
    const settings = await repo.loadOrgSettings(db);
    const openCases = await repo.loadOpenOffboardingCases(db);

    const live = all.filter((b) => b.status !== "offboarded");
    const n = live.length;
    const having = (...kinds: TFindingKind[]) => live.filter((b) => kinds.some((k) => b.findingKinds.includes(k)));
    const count = (kind: TFindingKind) => live.filter((b) => b.findingKinds.includes(kind)).length;
    /** A control over every live bot that fails on the given finding kinds. */
    const byFindings = (kinds: { kind: TFindingKind; what: string }[], sentence: (failing: number) => string): Result => {
      if (n === 0) return NO_BOTS;
      const failing = having(...kinds.map((k) => k.kind));
      return {
        status: failing.length ? "fail" : "pass",
        detail: sentence(failing.length),
        failing: failing.length,
        total: n,
        examples: botExamples(failing),
        links: kinds.filter((k) => count(k.kind) > 0).map((k) => findingLink(k.kind, count(k.kind), k.what)),
      };
    };
    /** "3 of 40 bots have ...", also with 0, so the line reads the same count as the link it offers. */
    const ofBots = (failing: number, one: string, many: string) => `${failing} of ${plural(n, "bot")} ${failing === 1 ? one : many}.`;

    const controls: (Static & { result: () => Result | Promise<Result> })[] = [
      {
        id: "runtime_profile",
        title: "Every bot has a runtime profile",
        explanation:
          "Before an agent runs broadly, someone has written down where and how it runs: who operates the runtime, where it is hosted, what it may reach on the network, which tools it may use at pinned versions, its shell policy, how long its data is kept and deleted, and who responds to its incidents.",
        source: `${ruleOf("runtime_profile_incomplete")}; DESIGN.md "Runtime profile"`,
        result: () =>
          byFindings([{ kind: "runtime_profile_incomplete", what: "with an incomplete runtime profile" }], (f) =>
            ofBots(f, "has an incomplete runtime profile", "have an incomplete runtime profile"),
          ),
      },
      {
        id: "own_identity",
        title: "Every bot has its own identity",
        explanation:
          "A bot acts under its own email and one service account per system, never a person's account and never one shared with another bot or environment, so what it did can be told apart from what people did and revoked without locking anyone else out.",
        source: `${ruleOf("bot_email", "shared_identity")}; DESIGN.md "Bot identity"`,
        result: () =>
          byFindings(
            [
              { kind: "bot_email", what: "without their own standard bot email" },
              { kind: "shared_identity", what: "sharing an identity" },
            ],
            (f) => ofBots(f, "lacks its own bot email or shares an identity", "lack their own bot email or share an identity"),
          ),
      },
      {
        id: "named_owner",
        title: "Every bot has a named, active owner",
        explanation: "A person who is still in the organisation answers for each bot: its access reviews, its requests, its incidents. A bot without one is governed by no one.",
        source: ruleOf("orphaned"),
        result: () =>
          byFindings([{ kind: "orphaned", what: "without an active owner" }], (f) =>
            ofBots(f, "has no active owner", "have no active owner"),
          ),
      },
      {
        id: "credentials_vaulted",
        title: "Credentials live in a vault and rotate",
        explanation:
          "Bridle keeps pointers into a vault, never secrets. Each system a bot holds a grant on should have its credential reference recorded, so the secret can be found, rotated and revoked; and none should be past its rotation date.",
        source: `${ruleOf("credential_rotation_due")}; DESIGN.md "Credential reference"`,
        result: () => {
          if (n === 0) return NO_BOTS;
          const due = having("credential_rotation_due");
          const unvaulted = live.filter((b) => (b.status === "active" || b.status === "paused") && b.unvaultedSystems.length > 0);
          const links = due.length ? [findingLink("credential_rotation_due", due.length, "with a credential due for rotation")] : [];
          const parts = [
            due.length ? `${due.length} of ${plural(n, "bot")} ${due.length === 1 ? "has a credential" : "have credentials"} due for rotation` : null,
            unvaulted.length
              ? `${plural(unvaulted.length, "active or paused bot")} ${unvaulted.length === 1 ? "holds grants" : "hold grants"} on a system with no credential reference recorded, so Bridle cannot tell where that credential lives`
              : null,
          ].filter((p): p is string => p !== null);
          return {
            status: due.length ? "fail" : unvaulted.length ? "warn" : "pass",
            detail: parts.length ? `${parts.join("; ")}.` : `Every grant of the ${plural(n, "bot")} has a credential reference, and none is due for rotation.`,
            failing: due.length || unvaulted.length,
            total: n,
            examples: botExamples(due.length ? due : unvaulted),
            links,
          };
        },
      },
      {
        id: "gated_actions_defined",
        title: "Gated actions are defined",
        explanation:
          "Actions that are hard to undo, visible outside or change access (running shell commands, sending email, merging, deleting data, spending money...) each have an org rule: allowed, held for a human's approval, or denied. An action the org allows outright runs without anyone looking.",
        source: 'DESIGN.md "Gated action"',
        result: () => {
          const missing = GATED_ACTIONS.filter((a) => !gated.has(a));
          const allowed = GATED_ACTIONS.filter((a) => gated.get(a) === "allow");
          const total = GATED_ACTIONS.length;
          const href = "/policy/gated-actions";
          const examples = (missing.length ? missing : allowed).slice(0, READINESS_EXAMPLES).map((a) => ({ label: a, href }));
          if (missing.length)
            return {
              status: "fail",
              detail: `${missing.length} of ${total} gated actions have no org rule: ${missing.join(", ")}.`,
              failing: missing.length,
              total,
              examples,
              links: [{ label: "The gated-action policy", href }],
            };
          if (allowed.length)
            return {
              status: "warn",
              detail: `Every gated action has an org rule, but ${allowed.length} of ${total} ${allowed.length === 1 ? "is" : "are"} allowed without approval: ${allowed.join(", ")}.`,
              failing: allowed.length,
              total,
              examples,
              links: [{ label: "The gated-action policy", href }],
            };
          return { status: "pass", detail: `All ${total} gated actions are held for approval or denied by org rules.`, failing: 0, total, examples: [], links: [] };
        },
      },
      {
        id: "runtime_enforced",
        title: "Gated actions are enforced by a runtime that reports",
        explanation: `A rule only protects when the agent's runtime asks Bridle before acting. Every active bot's runtime sends heartbeats (silence for ${RUNTIME_SILENT_AFTER_MINUTES} minutes counts as stopped) and runs no tool call without a Bridle decision.`,
        source: ruleOf("runtime_silent", "enforcement_gap"),
        result: () => {
          const active = live.filter((b) => b.status === "active");
          if (active.length === 0 && count("enforcement_gap") === 0)
            return { ...NO_BOTS, detail: n === 0 ? NO_BOTS.detail : "No active bots: nothing runs to enforce." };
          const failing = having("runtime_silent", "enforcement_gap");
          const never = active.filter((b) => b.runtimeSeenAt === null && !failing.includes(b));
          const silent = count("runtime_silent");
          const gaps = count("enforcement_gap");
          const links = [
            ...(silent ? [findingLink("runtime_silent", silent, "whose runtime stopped reporting")] : []),
            ...(gaps ? [findingLink("enforcement_gap", gaps, "with an enforcement gap")] : []),
          ];
          const parts = [
            silent ? `${plural(silent, "active bot")} stopped reporting heartbeats` : null,
            gaps ? `${plural(gaps, "bot")} ran tool calls without a Bridle decision in the last days` : null,
            never.length ? `${never.length} of ${plural(active.length, "active bot")} never reported a heartbeat, so Bridle cannot tell their actions are enforced` : null,
          ].filter((p): p is string => p !== null);
          return {
            status: failing.length ? "fail" : never.length ? "warn" : "pass",
            detail: parts.length ? `${parts.join("; ")}.` : `All ${plural(active.length, "active bot")} report heartbeats from an enforcing runtime, with no enforcement gap.`,
            failing: failing.length || never.length,
            total: active.length,
            examples: botExamples(failing.length ? failing : never),
            links,
          };
        },
      },
      {
        id: "golden_rule",
        title: "External communication and internal access are separated",
        explanation:
          "A bot that reads internal data and can also talk outside the company can leak that data. It has one or the other, unless security approved an unexpired exception covering exactly the systems and channels it uses.",
        source: `${ruleOf("golden_rule")}; DESIGN.md "The Golden Rule"`,
        result: () =>
          byFindings([{ kind: "golden_rule", what: "breaking the Golden Rule" }], (f) =>
            ofBots(f, "has internal data access and external communication without a covering exception", "have internal data access and external communication without a covering exception"),
          ),
      },
      {
        id: "reviews_current",
        title: "Access reviews are current",
        explanation: "Each bot's owner re-certifies its access once per review interval, so access granted for a past need does not linger. Campaigns start on a schedule unless the org turned it off.",
        source: ruleOf("review_overdue"),
        result: () => {
          if (n === 0) return NO_BOTS;
          const overdue = having("review_overdue");
          const off = settings?.reviewSchedule === "off";
          const sentence = overdue.length
            ? `${overdue.length} of ${plural(n, "bot")} ${overdue.length === 1 ? "is" : "are"} overdue for an access review.`
            : `No bot is overdue for an access review.`;
          return {
            status: overdue.length ? "fail" : off ? "warn" : "pass",
            detail: off ? `${sentence} Scheduled review campaigns are off: no campaign starts by itself.` : sentence,
            failing: overdue.length,
            total: n,
            examples: botExamples(overdue),
            links: [
              ...(overdue.length ? [findingLink("review_overdue", overdue.length, "overdue for review")] : []),
              ...(off ? [{ label: "The review schedule in org policy", href: "/policy" }] : []),
            ],
          };
        },
      },
      {
        id: "no_orphans",
        title: "No orphaned agents",
        explanation:
          "When an owner leaves, each of their bots is transferred or offboarded before the orphan deadline, and an offboarded bot keeps nothing: no grants, no runtime tokens, no live credential references.",
        source: `${ruleOf("orphaned", "offboarding_incomplete")}; DESIGN.md "Offboarding"`,
        result: () => {
          const orphaned = having("orphaned");
          const leftovers = all.filter((b) => b.status === "offboarded" && b.findingKinds.includes("offboarding_incomplete"));
          if (n === 0 && leftovers.length === 0) return NO_BOTS;
          const deadlineMs = (settings?.orphanDeadlineDays ?? 7) * DAY_MS;
          const caseOf = new Map(openCases.map((c) => [c.botId, c]));
          const unhandled = orphaned.filter((b) => !caseOf.has(b.id));
          const late = openCases.filter((c) => c.orphanedSince && now.getTime() - c.orphanedSince.getTime() > deadlineMs);
          const pending = openCases.filter((c) => c.orphanedSince && !late.includes(c));
          const failing = unhandled.length + late.length + leftovers.length;
          const parts = [
            unhandled.length ? `${plural(unhandled.length, "bot")} without an active owner ${unhandled.length === 1 ? "has" : "have"} no open offboarding case` : null,
            late.length ? `${plural(late.length, "offboarding case")} ${late.length === 1 ? "is" : "are"} past the ${plural(settings?.orphanDeadlineDays ?? 7, "day")} orphan deadline` : null,
            leftovers.length ? `${plural(leftovers.length, "offboarded bot")} still ${leftovers.length === 1 ? "holds" : "hold"} access` : null,
            pending.length ? `${plural(pending.length, "orphaned bot")} ${pending.length === 1 ? "is" : "are"} being offboarded within the deadline` : null,
          ].filter((p): p is string => p !== null);
          const caseHref = (c: repo.OpenCase) => `/offboarding/${c.id}`;
          return {
            status: failing ? "fail" : pending.length ? "warn" : "pass",
            detail: parts.length ? `${parts.join("; ")}.` : "No bot is orphaned, and every offboarded bot holds nothing.",
            failing: failing || pending.length,
            total: all.length,
            examples: [
              ...botExamples(unhandled),
              ...late.map((c) => ({ label: c.botName, href: caseHref(c) })),
              ...botExamples(leftovers),
              ...(failing ? [] : pending.map((c) => ({ label: c.botName, href: caseHref(c) }))),
            ].slice(0, READINESS_EXAMPLES),
            links: [
              ...(unhandled.length ? [findingLink("orphaned", orphaned.length, "without an active owner")] : []),
              ...(late.length || pending.length ? [{ label: `${plural(openCases.length, "open offboarding case")}`, href: "/offboarding" }] : []),
              ...(leftovers.length ? [findingLink("offboarding_incomplete", leftovers.length, "offboarded but still holding access")] : []),
            ],
          };
        },
      },
      {
        id: "alerts",
        title: "Alerts are on",
        explanation: "Someone hears about it when a bot misbehaves: call rates far above its baseline, error spikes, repeated denied decisions, enforcement gaps, budget thresholds.",
        source: 'README "Alerts"',
        result: () => probe(providers.alertsReady, "This Bridle has no alerts module set up: no alert rules to check."),
      },
      {
        id: "incident_process",
        title: "An incident process exists",
        explanation: "When an agent misbehaves, people know who responds, how to pause it (the kill switch), and how to record what happened and what changed since.",
        source: 'DESIGN.md "Incident"',
        result: () => probe(providers.incidentsReady, "This Bridle has no incidents module set up: no incident process to check."),
      },
    ];

    const out: TReadinessControl[] = [];
    for (const c of controls) {
      const { result, ...rest } = c;
      out.push({ ...rest, ...(await result()) });
    }
    return summarize(out, n, now);
  }

  return { overview };
}
export type ReadinessService = ReturnType<typeof createReadinessService>;

async function probe(p: ReadinessProbe | undefined, absent: string): Promise<Result> {
  if (!p) return { status: "not_applicable", detail: absent, failing: 0, total: 0, examples: [], links: [] };
  const r = await p();
  return { status: r.status, detail: r.detail, failing: r.failing ?? 0, total: r.total ?? 0, examples: (r.examples ?? []).slice(0, READINESS_EXAMPLES), links: r.links ?? [] };
}

/** The verdict, score and summary sentence over the controls (contracts `ZReadiness`). */
export function summarize(controls: TReadinessControl[], bots: number, now: Date): TReadiness {
  const by = (s: TReadinessStatus) => controls.filter((c) => c.status === s).length;
  const counts = { pass: by("pass"), warn: by("warn"), fail: by("fail"), notApplicable: by("not_applicable") };
  const applicable = counts.pass + counts.warn + counts.fail;
  const score = applicable ? Math.round((100 * (counts.pass + counts.warn / 2)) / applicable) : 0;
  const verdict: TReadinessVerdict = counts.fail > 0 || applicable === 0 ? "not_ready" : counts.warn > 0 ? "attention" : "ready";
  const unchecked = counts.notApplicable ? ` ${plural(counts.notApplicable, "control")} could not be checked (not applicable or not set up).` : "";
  const summary =
    bots === 0
      ? `No bots in the inventory yet: register the first one; the bot controls apply as bots arrive.${unchecked}`
      : verdict === "ready"
        ? `Ready: every applicable control passes.${unchecked}`
        : verdict === "attention"
          ? `Nearly ready: no control fails, ${plural(counts.warn, "control")} ${counts.warn === 1 ? "needs" : "need"} attention.${unchecked}`
          : `Not ready: ${plural(counts.fail, "control")} ${counts.fail === 1 ? "fails" : "fail"}${counts.warn ? `, ${counts.warn} more ${counts.warn === 1 ? "needs" : "need"} attention` : ""}.${unchecked}`;
  return { verdict: bots === 0 && verdict === "ready" ? "attention" : verdict, summary, score, counts, bots, controls, computedAt: now.toISOString() };
}

