import {
  ZCompleteLeakStep,
  ZCreateCredentialReference,
  ZCredentialReferenceDetail,
  ZCredentialReferenceList,
  ZErrorEnvelope,
  ZLeakPlaybook,
  ZLeakPlaybookPage,
  ZLeakPlaybookQuery,
  ZMarkRotated,
  ZRotationPage,
  ZRotationQuery,
  ZStartLeakPlaybook,
  ZUpdateCredentialReference,
} from "@bridle/contracts";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf } from "../../plugins/auth.ts";
import type { CredentialsService } from "./credentials.service.ts";
import type { LeakPlaybooksService } from "./leak-playbooks.service.ts";

const errors = { 401: ZErrorEnvelope, 403: ZErrorEnvelope, 404: ZErrorEnvelope };
const writeErrors = { 400: ZErrorEnvelope, 409: ZErrorEnvelope, ...errors };
const ZBotParams = z.object({ id: z.uuid() });
const ZRefParams = z.object({ id: z.uuid(), refId: z.uuid() });

/**
 * Credential references, the Rotation page and the leak playbook (the credentials module).
 * Permissions: a bot's references are read by its owner and `bots.read_all` (admin, security,
 * IT, auditor) and written by its owner and `bots.write_all` (admin, IT); the Rotation page shows
 * everyone's to `bots.read_all`, else one's own; leak playbooks are started and worked by
 * `credentials.respond` (admin, security) and read by them, `bots.read_all` and the bot's owner.
 * Every body is scanned for secrets before validation: a field that looks like one is refused
 * (400 `looks_like_secret`, naming the field and the rule) and the attempt audited without it.
 */
export function credentialsRoutes(svc: { credentials: CredentialsService; playbooks: LeakPlaybooksService }) {
  const { credentials, playbooks } = svc;
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const ctx = (request: FastifyRequest) => ({ principal: principalOf(request), requestId: request.id });
    const botIdOf = (request: FastifyRequest) => {
      const id = (request.params as { id?: unknown }).id;
      return typeof id === "string" && ZBotParams.shape.id.safeParse(id).success ? id : null;
    };
    /** The secret scan, before validation (a secret in a field that would fail its format is still recorded as what it is). */
    const scanned = { preValidation: async (request: FastifyRequest) => credentials.refuseSecrets(ctx(request), botIdOf(request), request.body) };

    r.get(
      "/bots/:id/credential-references",
      {
        schema: {
          operationId: "listCredentialReferences",
          tags: ["credentials"],
          summary: "A bot's credential references (pointers to secrets in vaults, never the secrets), with status and rotation",
          params: ZBotParams,
          response: { 200: ZCredentialReferenceList, ...errors },
        },
      },
      async (request) => ({ items: await credentials.list(ctx(request), request.params.id) }),
    );
    r.post(
      "/bots/:id/credential-references",
      {
        ...scanned,
        schema: {
          operationId: "createCredentialReference",
          tags: ["credentials"],
          summary: "Add a credential reference to a bot: its system, vault kind and reference (checked against that kind's form), owner, rotation interval",
          params: ZBotParams,
          body: ZCreateCredentialReference,
          response: { 201: ZCredentialReferenceDetail, ...writeErrors },
        },
      },
      async (request, reply) => reply.code(201).send(await credentials.create(ctx(request), request.params.id, request.body)),
    );
    r.patch(
      "/bots/:id/credential-references/:refId",
      {
        ...scanned,
        schema: {
          operationId: "updateCredentialReference",
          tags: ["credentials"],
          summary: "Change a credential reference (a revoked one cannot change: add a new one)",
          params: ZRefParams,
          body: ZUpdateCredentialReference,
          response: { 200: ZCredentialReferenceDetail, ...writeErrors },
        },
      },
      async (request) => credentials.update(ctx(request), request.params.id, request.params.refId, request.body),
    );
    r.delete(
      "/bots/:id/credential-references/:refId",
      {
        schema: {
          operationId: "deleteCredentialReference",
          tags: ["credentials"],
          summary: "Remove a credential reference (409 while a leak playbook is open on it)",
          params: ZRefParams,
          response: { 204: z.null(), 409: ZErrorEnvelope, ...errors },
        },
      },
      async (request, reply) => {
        await credentials.remove(ctx(request), request.params.id, request.params.refId);
        return reply.code(204).send(null);
      },
    );
    r.post(
      "/bots/:id/credential-references/:refId/rotations",
      {
        ...scanned,
        schema: {
          operationId: "markCredentialReferenceRotated",
          tags: ["credentials"],
          summary: "Mark rotated: the secret was rotated in its vault (who and when are recorded); a due or revoked reference becomes active again",
          params: ZRefParams,
          body: ZMarkRotated,
          response: { 200: ZCredentialReferenceDetail, ...writeErrors },
        },
      },
      async (request) => credentials.markRotated(ctx(request), request.params.id, request.params.refId, request.body),
    );
    r.get(
      "/credential-rotation",
      {
        schema: {
          operationId: "listRotationDue",
          tags: ["credentials"],
          summary: "Credential references due or overdue for rotation, soonest first, filtered by state, bot, team and vault",
          querystring: ZRotationQuery,
          response: { 200: ZRotationPage, 400: ZErrorEnvelope, 401: ZErrorEnvelope, 403: ZErrorEnvelope },
        },
      },
      async (request) => credentials.rotation(ctx(request), request.query),
    );
    r.post(
      "/bots/:id/credential-references/:refId/leak-playbooks",
      {
        ...scanned,
        schema: {
          operationId: "startLeakPlaybook",
          tags: ["credentials"],
          summary: "Start the leak playbook on a credential reference (suspected leak): its bot's gated actions are held for security's approval until it closes",
          params: ZRefParams,
          body: ZStartLeakPlaybook,
          response: { 201: ZLeakPlaybook, ...writeErrors },
        },
      },
      async (request, reply) => reply.code(201).send(await playbooks.start(ctx(request), request.params.id, request.params.refId, request.body)),
    );
    r.get(
      "/leak-playbooks",
      {
        schema: {
          operationId: "listLeakPlaybooks",
          tags: ["credentials"],
          summary: "Leak playbooks, newest first",
          querystring: ZLeakPlaybookQuery,
          response: { 200: ZLeakPlaybookPage, 400: ZErrorEnvelope, 401: ZErrorEnvelope, 403: ZErrorEnvelope },
        },
      },
      async (request) => playbooks.list(ctx(request), request.query),
    );
    r.get(
      "/leak-playbooks/:id",
      {
        schema: {
          operationId: "getLeakPlaybook",
          tags: ["credentials"],
          summary: "One leak playbook: its four steps, who did each and when, and its stakeholders",
          params: ZBotParams,
          response: { 200: ZLeakPlaybook, ...errors },
        },
      },
      async (request) => playbooks.get(ctx(request), request.params.id),
    );
    r.post(
      "/leak-playbooks/:id/steps",
      {
        // Notes go into the audit log: scanned like every other body (the playbook's bot is looked up for the audit event).
        preValidation: async (request: FastifyRequest) => credentials.refuseSecrets(ctx(request), await playbooks.botIdOf(botIdOf(request)), request.body),
        schema: {
          operationId: "completeLeakPlaybookStep",
          tags: ["credentials"],
          summary: "Complete a step of a leak playbook (revoke, review_usage, notify, trace) with notes; the fourth closes it and releases the bot's gated actions",
          params: ZBotParams,
          body: ZCompleteLeakStep,
          response: { 200: ZLeakPlaybook, ...writeErrors },
        },
      },
      async (request) => playbooks.completeStep(ctx(request), request.params.id, request.body),
    );
  };
}
