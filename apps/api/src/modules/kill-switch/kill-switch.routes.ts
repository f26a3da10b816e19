import {
  ZEngageKillSwitchRequest,
  ZErrorEnvelope,
  ZKillSwitch,
  ZKillSwitchList,
  ZKillSwitchListQuery,
  ZKillSwitchPreview,
  ZKillSwitchScope,
  ZKillSwitchSettings,
  ZKillSwitchStatusResponse,
  ZResumeKillSwitchRequest,
  ZResumeKillSwitchResponse,
  ZRunbook,
} from "@bridle/contracts";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { can } from "../../lib/permissions.ts";
import { principalOf } from "../../plugins/auth.ts";
import type { KillSwitchService } from "./kill-switch.service.ts";
import type { RunbookService } from "./runbook.service.ts";

const errors = { 400: ZErrorEnvelope, 401: ZErrorEnvelope, 403: ZErrorEnvelope };

/**
 * The kill switch. Engaging takes effect on every replica within a second (the decision
 * snapshot hears the change notice); who may do what is in the service's header and README
 * "Kill switch and read-only mode".
 */
export function killSwitchRoutes(svc: KillSwitchService, runbook: RunbookService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get(
      "/runbook",
      {
        schema: {
          operationId: "getRunbook",
          tags: ["kill-switch"],
          summary:
            "The on-call runbook, generated from data: who can pause which bot or channel, how to use the kill switch, incident response owners (security), where to search first, how to roll back. Any signed-in person; the switches engaged now are named to readers of every bot, counted for others.",
          response: { 200: ZRunbook, 401: ZErrorEnvelope },
        },
      },
      async (request) => runbook.runbook({ seesEverySwitch: can(principalOf(request), "bots.read_all") }),
    );
    const ctx = (request: FastifyRequest) => ({ principal: principalOf(request), requestId: request.id });
    r.post(
      "/kill-switch",
      {
        schema: {
          operationId: "engageKillSwitch",
          tags: ["kill-switch"],
          summary:
            "Engage the kill switch on a bot, a team's bots, the bots on a channel, the bots using a skill, or every bot. `pause` denies every decision of those bots; `read_only` denies all but read-only actions (`*.read`). Security and admins: any scope; a bot's manager (owner, IT): that bot. Audited (`kill_switch.engage`).",
          body: ZEngageKillSwitchRequest,
          response: { 201: ZKillSwitch, ...errors },
        },
      },
      async (request, reply) => reply.code(201).send(await svc.engage(ctx(request), request.body)),
    );
    r.post(
      "/kill-switch/preview",
      {
        schema: {
          operationId: "previewKillSwitch",
          tags: ["kill-switch"],
          summary: "The bots a switch on this scope would halt now (the confirmation states the count); same permission as engaging",
          body: z.object({ scope: ZKillSwitchScope }),
          response: { 200: ZKillSwitchPreview, ...errors },
        },
      },
      async (request) => svc.preview(ctx(request), request.body.scope),
    );
    r.get(
      "/kill-switch",
      {
        schema: {
          operationId: "listKillSwitches",
          tags: ["kill-switch"],
          summary: "Every kill switch, newest first (engaged and history). Admin, security, IT, auditor.",
          querystring: ZKillSwitchListQuery,
          response: { 200: ZKillSwitchList, ...errors },
        },
      },
      async (request) => svc.list(ctx(request), request.query),
    );
    r.get(
      "/kill-switch/status",
      {
        schema: {
          operationId: "killSwitchStatus",
          tags: ["kill-switch"],
          summary: "The engaged switches and the bots they halt now. Owners see only the switches halting their own bots, and those bots.",
          response: { 200: ZKillSwitchStatusResponse, 401: ZErrorEnvelope },
        },
      },
      async (request) => svc.status(ctx(request)),
    );
    r.get(
      "/kill-switch/settings",
      {
        schema: {
          operationId: "getKillSwitchSettings",
          tags: ["kill-switch"],
          summary: "Whether resuming a switch needs a second person",
          response: { 200: ZKillSwitchSettings, 401: ZErrorEnvelope },
        },
      },
      async () => svc.getSettings(),
    );
    r.put(
      "/kill-switch/settings",
      {
        schema: {
          operationId: "updateKillSwitchSettings",
          tags: ["kill-switch"],
          summary:
            "Require (or not) a second person to resume a kill switch (admin; audited `kill_switch.settings_update`). 409 when turning it off while a resume request waits for a second person (`details.pendingResumeRequests`; the refusal is audited)",
          body: ZKillSwitchSettings,
          response: { 200: ZKillSwitchSettings, ...errors, 409: ZErrorEnvelope },
        },
      },
      async (request) => svc.updateSettings(ctx(request), request.body),
    );
    r.get(
      "/kill-switch/:id",
      {
        schema: {
          operationId: "getKillSwitch",
          tags: ["kill-switch"],
          summary: "One kill switch (who reads every bot, or the owner of a bot it halts)",
          params: z.object({ id: z.uuid() }),
          response: { 200: ZKillSwitch, 404: ZErrorEnvelope, ...errors },
        },
      },
      async (request) => svc.get(ctx(request), request.params.id),
    );
    r.post(
      "/kill-switch/:id/resume",
      {
        schema: {
          operationId: "resumeKillSwitch",
          tags: ["kill-switch"],
          summary:
            "Resume a switch, with a reason. When the org requires a second person, the first call records a resume request (`outcome: resume_requested`, the bots stay halted) and a call by a different person with kill_switch.manage resumes it; a request made under the rule needs that second person even if the rule was turned off since. 409 when already resumed or when the requester confirms their own request (audited).",
          params: z.object({ id: z.uuid() }),
          body: ZResumeKillSwitchRequest,
          response: { 200: ZResumeKillSwitchResponse, 404: ZErrorEnvelope, 409: ZErrorEnvelope, ...errors },
        },
      },
      async (request) => svc.resume(ctx(request), request.params.id, request.body.reason),
    );
  };
}
