import { createHash } from "node:crypto";
import {
  changesBetween,
  utf8Bytes,
  type TInstructionFile,
  type TInstructionSet,
  type TInstructionVersion,
  type TInstructionVersionSummary,
  type ZInstructionReviewRequest,
  type ZUploadInstructionRequest,
} from "@bridle/contracts";
import type { Db } from "@bridle/db";
import { INSTRUCTION_REVIEW_REFUSAL_TEXT, instructionReviewRefusal, looksLikeBotEmail } from "@bridle/policy";
import type { z } from "zod";
import type { RequestCtx } from "../../lib/context.ts";
import { emit } from "../../lib/domain-events.ts";
import { AppError, fieldError, invalidFields, notFound } from "../../lib/errors.ts";
import { can, canManageBot, canReadBot } from "../../lib/permissions.ts";
import { findSecrets, type SecretHit } from "../../lib/secrets.ts";
import { actorOf, denied, recordAudit, type Actor, type AuditAction } from "../audit/index.ts";
import { findBotRow, type BotRow } from "../bots/index.ts";
import { notify } from "../notifications/index.ts";
import * as repo from "./instructions.repo.ts";

/**
 * Who asks: a person (console session or personal API token), or a bot runtime with its token
 * (the runtime scope, decisions/bot-auth.ts), which reaches only its own bot's instructions.
 */
export type InstructionsCaller = { kind: "person"; ctx: RequestCtx } | { kind: "bot"; botId: string; requestId: string };

type Upload = z.output<typeof ZUploadInstructionRequest>;
type Review = z.output<typeof ZInstructionReviewRequest>;

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** A refused upload's field error: the file, the line and the rule, never the value. */
const secretPhrase = (file: string, h: SecretHit) =>
  `${file} line ${h.line} looks like a secret (${h.kind}, rule ${h.rule}); remove it: instructions never hold secret values, only references to them (op://, vault:, ...)`;

/**
 * Persistent instructions (README "Persistent instructions"):
 * - reading (files, history, one version, the set at a time T): the bot's owner and `bots.read_all`
 *   (admin, security, IT, auditor); the bot's own runtime reads its set (current or at T);
 * - uploading a version: the bot's owner, `bots.write_all` (admin, IT), and the bot's runtime
 *   (its bot must be active); a token of another bot is refused (403, audited);
 * - a file that requires review keeps a new version `pending_review` (replacing one still
 *   waiting, `superseded`) until the bot's owner or security reviews it, never its uploader
 *   (`instructionReviewRefusal`); otherwise the version is current at once;
 * - marking a file "requires review": whoever manages the bot, or security; unmarking: security
 *   only (`instructions.review`), so an owner cannot switch review off to skip it;
 * - a version that looks like it holds a secret is refused (400, naming the file, line and rule)
 *   and audited (`instructions.upload_refused`, outcome failure) without the value.
 */
export function createInstructionsService(deps: { db: Db }) {
  const { db } = deps;

  const viaOf = (caller: InstructionsCaller) => (caller.kind === "bot" ? "runtime" : caller.ctx.principal.authMethod === "token" ? "api" : "console");

  /** The bot, when the caller may read it (or, with `write`, upload to it). Errors: 404; 403 audited. */
  async function access(caller: InstructionsCaller, botId: string, attempt: { write: boolean; action: AuditAction; what: string }): Promise<{ bot: BotRow; actor: Actor }> {
    const bot = await findBotRow(db, botId);
    if (caller.kind === "bot") {
      if (caller.botId === botId && bot) return { bot, actor: { type: "bot", id: bot.id, label: bot.name } };
      const own = await findBotRow(db, caller.botId);
      await recordAudit(db, {
        actor: { type: "bot", id: caller.botId, label: own?.name ?? null },
        action: attempt.action,
        resourceType: "bot",
        resourceId: botId,
        outcome: "denied",
        requestId: caller.requestId,
        details: { roles: [], attempted: attempt.what, reason: "a bot runtime token reaches only its own bot" },
      } as Parameters<typeof recordAudit>[1]);
      throw new AppError("forbidden", "A bot runtime token reaches only its own bot's instructions");
    }
    if (!bot) throw notFound("Bot");
    const allowed = attempt.write ? canManageBot(caller.ctx.principal, bot) : canReadBot(caller.ctx.principal, bot);
    if (!allowed) throw await denied(db, caller.ctx, { action: attempt.action, resourceType: "bot", resourceId: botId, what: attempt.what });
    return { bot, actor: actorOf(caller.ctx.principal) };
  }

  const person = (ctx: RequestCtx): InstructionsCaller => ({ kind: "person", ctx });

  /** The bot's files with their current and pending versions, by name. */
  async function files(ctx: RequestCtx, botId: string): Promise<{ botId: string; items: TInstructionFile[] }> {
    await access(person(ctx), botId, { write: false, action: "instructions.read", what: "read this bot's instructions" });
    return { botId, items: await repo.listFiles(db, botId) };
  }

  async function fileOf(botId: string, name: string) {
    const file = await repo.findFile(db, botId, name);
    if (!file) throw notFound(`Instruction file ${name}`);
    return file;
  }

  /** A file's versions, newest first, without content. */
  async function versions(ctx: RequestCtx, botId: string, name: string): Promise<{ file: string; requiresReview: boolean; items: TInstructionVersionSummary[] }> {
    await access(person(ctx), botId, { write: false, action: "instructions.read", what: "read this bot's instructions" });
    const file = await fileOf(botId, name);
    return { file: file.name, requiresReview: file.requiresReview, items: (await repo.listVersions(db, file.id)).map((v) => repo.toSummary(v, file.name)) };
  }

  /** One version with its content (for reading it, or a diff between two). */
  async function version(ctx: RequestCtx, botId: string, name: string, n: number): Promise<TInstructionVersion> {
    await access(person(ctx), botId, { write: false, action: "instructions.read", what: "read this bot's instructions" });
    const file = await fileOf(botId, name);
    const v = await repo.findVersion(db, file.id, n);
    if (!v) throw notFound(`Version ${n} of ${file.name}`);
    return repo.toVersion(v, file.name);
  }

  /**
   * The instructions in force at `at` (null: now), each file's version current then, with content
   * and SHA-256. A bot's runtime reads its own; people as for `files`.
   */
  async function instructionSet(caller: InstructionsCaller, botId: string, at: Date | null): Promise<TInstructionSet> {
    await access(caller, botId, { write: false, action: "instructions.read", what: "read this bot's instructions" });
    const when = at ?? new Date();
    return { botId, at: when.toISOString(), files: await repo.setAt(db, botId, at === null ? null : when) };
  }

  /**
   * Uploads a version of `name` (creating the file with its first version). The same content and
   * `loadedByDefault` as the file's latest version (current or pending) creates nothing and answers
   * that version (`unchanged: true`), so a runtime may upload at every start.
   * Errors: 404 no bot; 403 (audited) another owner's bot or another bot's token; 409 an offboarded
   * bot, or a runtime whose bot is not active; 400 content that looks like a secret (audited, no value).
   */
  async function upload(caller: InstructionsCaller, botId: string, name: string, body: Upload): Promise<TInstructionVersionSummary & { unchanged: boolean }> {
    const { bot, actor } = await access(caller, botId, { write: true, action: "instructions.upload", what: "upload this bot's instructions" });
    if (bot.status === "offboarded") throw new AppError("conflict", `${bot.name} is offboarded; its instructions are kept as they were`);
    if (caller.kind === "bot" && bot.status !== "active") throw new AppError("conflict", `${bot.name} is ${bot.status}; only an active bot's runtime uploads instructions`);
    const via = viaOf(caller);
    // The file name goes into the audit log too: neither may carry a secret.
    const nameHits = await findSecrets(name);
    if (nameHits.length) throw invalidFields([fieldError("name", "looks_like_secret", "the file name looks like a secret; name the file plainly, e.g. SOUL.md")]);
    const hits = await findSecrets(body.content);
    const bytes = utf8Bytes(body.content);
    if (hits.length) {
      await recordAudit(db, {
        actor,
        action: "instructions.upload_refused",
        resourceType: "bot",
        resourceId: botId,
        outcome: "failure",
        requestId: caller.kind === "bot" ? caller.requestId : caller.ctx.requestId,
        details: { botId, bot: bot.name, file: name, bytes, secrets: hits.map((h) => ({ line: h.line, rule: h.rule, kind: h.kind })), via },
      });
      throw invalidFields(hits.map((h) => fieldError("content", "looks_like_secret", secretPhrase(name, h))));
    }
    const hash = sha256(body.content);
    return db.transaction(async (tx) => {
      const file = await repo.lockOrCreateFile(tx, botId, name);
      const latest = await repo.latestVersion(tx, file.id);
      const loadedByDefault = body.loadedByDefault ?? latest?.loadedByDefault ?? true;
      if (latest && (latest.status === "approved" || latest.status === "pending_review") && latest.sha256 === hash && latest.loadedByDefault === loadedByDefault)
        return { ...repo.toSummary(latest, file.name), unchanged: true };
      // A version still waiting for review is replaced by this one: it is never approved after it.
      const superseded = await repo.supersedePending(tx, file.id);
      const status = file.requiresReview ? "pending_review" : "approved";
      const row = await repo.insertVersion(tx, {
        fileId: file.id,
        botId,
        version: (latest?.version ?? 0) + 1,
        content: body.content,
        sha256: hash,
        bytes,
        loadedByDefault,
        status,
        reviewRequired: file.requiresReview,
        uploadedByType: caller.kind,
        uploadedByPersonId: caller.kind === "person" ? caller.ctx.principal.personId : null,
        uploadedByLabel: caller.kind === "person" ? caller.ctx.principal.email : bot.name,
      });
      await recordAudit(tx, {
        actor,
        action: "instructions.upload",
        resourceType: "instruction_version",
        resourceId: row.id,
        outcome: "success",
        requestId: caller.kind === "bot" ? caller.requestId : caller.ctx.requestId,
        details: { botId, bot: bot.name, file: file.name, version: row.version, sha256: hash, bytes, loadedByDefault, status, via, ...(superseded !== null ? { superseded } : {}) },
      });
      await emit(tx, { type: "instructions.changed", botId, file: file.name, change: "uploaded", version: row.version });
      if (status === "pending_review") {
        // Those who may review it: security, and the owner unless they uploaded it themselves.
        const ownerMayReview = bot.ownerId !== null && !(caller.kind === "person" && caller.ctx.principal.personId === bot.ownerId);
        const current = latest ? await repo.currentVersionOf(tx, file.id) : null;
        await notify(
          tx,
          {
            recipients: { roles: ["security"], personIds: ownerMayReview ? [bot.ownerId!] : [] },
            kind: "instruction_review_needed",
            title: `${file.name} of ${bot.name}: version ${row.version} waits for review`,
            body:
              `${caller.kind === "bot" ? `${bot.name}'s runtime` : row.uploadedByLabel} uploaded version ${row.version} of ${file.name}. ` +
              `Until the bot's owner or security approves it, ${current ? `version ${current}` : "no version"} stays in force.`,
            link: `/bots/${botId}/instructions?file=${encodeURIComponent(file.name)}&to=${row.version}`,
            botId,
          },
          actor,
        );
      }
      return { ...repo.toSummary(row, file.name), unchanged: false };
    });
  }

  /**
   * Marks a file as requiring review (whoever manages the bot, or security) or no longer
   * (security only). A version already waiting stays waiting. Errors: 404; 403 audited.
   */
  async function updateFile(ctx: RequestCtx, botId: string, name: string, body: { requiresReview: boolean }): Promise<TInstructionFile> {
    const bot = await findBotRow(db, botId);
    if (!bot) throw notFound("Bot");
    const security = can(ctx.principal, "instructions.review");
    const allowed = body.requiresReview ? security || canManageBot(ctx.principal, bot) : security;
    if (!allowed)
      throw await denied(db, ctx, {
        action: "instructions.file_update",
        resourceType: "bot",
        resourceId: botId,
        what: body.requiresReview ? "change this bot's instructions" : "stop reviewing this bot's instructions (security decides that)",
      });
    const file = await fileOf(botId, name);
    await db.transaction(async (tx) => {
      const locked = await repo.findFile(tx, botId, name, { lock: true });
      if (!locked || locked.requiresReview === body.requiresReview) return;
      await repo.setRequiresReview(tx, locked.id, body.requiresReview);
      await recordAudit(tx, {
        actor: actorOf(ctx.principal),
        action: "instructions.file_update",
        resourceType: "instruction_file",
        resourceId: locked.id,
        outcome: "success",
        requestId: ctx.requestId,
        details: { botId, bot: bot.name, file: locked.name, changes: changesBetween({ requiresReview: locked.requiresReview }, { requiresReview: body.requiresReview }) },
      });
      await emit(tx, { type: "instructions.changed", botId, file: locked.name, change: "settings", version: null });
    });
    const listed = (await repo.listFiles(db, botId)).find((f) => f.name === file.name);
    if (!listed) throw notFound(`Instruction file ${name}`);
    return listed;
  }

  /**
   * Approves (the version becomes current now) or rejects a version waiting for review.
   * Errors: 404; 403 (audited, `details.reason`) per instructionReviewRefusal; 409 not pending.
   */
  async function review(ctx: RequestCtx, botId: string, name: string, n: number, body: Review): Promise<TInstructionVersionSummary> {
    const { bot } = await access(person(ctx), botId, { write: false, action: "instructions.review", what: "review this bot's instructions" });
    const file = await fileOf(botId, name);
    const me = ctx.principal;
    const facts = await repo.botEmailFacts(db, me.email);
    const found = await repo.findVersion(db, file.id, n);
    if (!found) throw notFound(`Version ${n} of ${file.name}`);
    const notPending = (status: string) =>
      new AppError("conflict", `Version ${n} of ${file.name} is ${status.replace("_", " ")}; only a version waiting for review is reviewed`, { status });
    const refusal = instructionReviewRefusal(
      {
        personId: me.personId,
        roles: me.roles,
        mayReviewAny: can(me, "instructions.review"),
        isBotIdentity: looksLikeBotEmail(me.email, facts.domain, facts.isKnownBotEmail ? [me.email] : []),
      },
      { status: found.status, botOwnerId: bot.ownerId, uploadedByPersonId: found.uploadedByType === "person" ? found.uploadedByPersonId : null },
    );
    if (refusal === "not_pending") throw notPending(found.status);
    if (refusal) {
      await recordAudit(db, {
        actor: actorOf(me),
        action: "instructions.review",
        resourceType: "instruction_version",
        resourceId: found.id,
        outcome: "denied",
        requestId: ctx.requestId,
        details: { roles: me.roles, attempted: `${body.decision} version ${n} of ${file.name} of ${bot.name}`, reason: refusal },
      });
      throw new AppError("forbidden", INSTRUCTION_REVIEW_REFUSAL_TEXT[refusal], { reason: refusal });
    }
    return db.transaction(async (tx) => {
      // Locked and read again: two reviewers at once are serialized, the later one gets 409.
      const v = await repo.findVersion(tx, file.id, n, { lock: true });
      if (!v) throw notFound(`Version ${n} of ${file.name}`);
      if (v.status !== "pending_review") throw notPending(v.status);
      const row = await repo.reviewVersion(tx, v.id, { approve: body.decision === "approve", personId: me.personId, label: me.email, note: body.note ?? null });
      await recordAudit(tx, {
        actor: actorOf(me),
        action: "instructions.review",
        resourceType: "instruction_version",
        resourceId: v.id,
        outcome: "success",
        requestId: ctx.requestId,
        details: { botId, bot: bot.name, file: file.name, version: n, sha256: v.sha256, decision: body.decision, note: body.note ?? null, uploadedBy: v.uploadedByLabel },
      });
      await emit(tx, { type: "instructions.changed", botId, file: file.name, change: body.decision === "approve" ? "approved" : "rejected", version: n });
      return repo.toSummary(row, file.name);
    });
  }

  return { files, versions, version, instructionSet, upload, updateFile, review };
}
export type InstructionsService = ReturnType<typeof createInstructionsService>;
