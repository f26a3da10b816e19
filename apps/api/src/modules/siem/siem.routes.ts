import { ZCreateSiemDestination, ZErrorEnvelope, ZSiemDestination, ZSiemDestinationList, ZSiemTestResult, ZUpdateSiemDestination } from "@bridle/contracts";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf } from "../../plugins/auth.ts";
import type { SiemService } from "./siem.service.ts";

const ZParams = z.object({ id: z.uuid() });
const tags = ["siem"];
const errors = { 400: ZErrorEnvelope, 401: ZErrorEnvelope, 403: ZErrorEnvelope };

/**
 * SIEM destinations: where the audit log streams (`siem.read` to see them and their status,
 * `siem.manage` to change them). README "Streaming to the SIEM".
 */
export function siemRoutes(svc: SiemService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const ctx = (request: FastifyRequest) => ({ principal: principalOf(request), requestId: request.id });

    r.get(
      "/siem/destinations",
      {
        schema: {
          operationId: "listSiemDestinations",
          tags,
          summary: "SIEM destinations and where delivery stands for each (cursor, lag in events and seconds, last error). Needs siem.read",
          response: { 200: ZSiemDestinationList, 401: ZErrorEnvelope, 403: ZErrorEnvelope },
        },
      },
      async (request) => svc.list(ctx(request)),
    );
    r.get(
      "/siem/destinations/:id",
      {
        schema: {
          operationId: "getSiemDestination",
          tags,
          summary: "One SIEM destination and its delivery status. Needs siem.read",
          params: ZParams,
          response: { 200: ZSiemDestination, ...errors, 404: ZErrorEnvelope },
        },
      },
      async (request) => svc.getOne(ctx(request), request.params.id),
    );
    r.post(
      "/siem/destinations",
      {
        schema: {
          operationId: "createSiemDestination",
          tags,
          summary:
            "Add a SIEM destination: syslog (`host:port`, RFC 5424 over TLS) or http (a Splunk HEC URL and token, stored encrypted: needs BRIDLE_ENCRYPTION_KEY). Delivery starts within a second. Needs siem.manage; audited as siem.destination_create",
          body: ZCreateSiemDestination,
          response: { 201: ZSiemDestination, ...errors, 409: ZErrorEnvelope },
        },
      },
      async (request, reply) => reply.code(201).send(await svc.create(ctx(request), request.body)),
    );
    r.patch(
      "/siem/destinations/:id",
      {
        schema: {
          operationId: "updateSiemDestination",
          tags,
          summary:
            "Change a SIEM destination (the fields given). `enabled: false` stops delivery where it is; `true` resumes from the same cursor. A change of endpoint, TLS or token retries at once. Needs siem.manage; audited as siem.destination_update",
          params: ZParams,
          body: ZUpdateSiemDestination,
          response: { 200: ZSiemDestination, ...errors, 404: ZErrorEnvelope, 409: ZErrorEnvelope },
        },
      },
      async (request) => svc.update(ctx(request), request.params.id, request.body),
    );
    r.delete(
      "/siem/destinations/:id",
      {
        schema: {
          operationId: "deleteSiemDestination",
          tags,
          summary: "Remove a SIEM destination and its cursor (nothing more is sent to it). Needs siem.manage; audited as siem.destination_delete",
          params: ZParams,
          response: { 204: z.null(), ...errors, 404: ZErrorEnvelope },
        },
      },
      async (request, reply) => {
        await svc.remove(ctx(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
    r.post(
      "/siem/destinations/:id/test",
      {
        schema: {
          operationId: "testSiemDestination",
          tags,
          summary:
            "Send one test message (syslog MSGID `bridle.test`; HEC sourcetype `bridle:test`; not an audit event) and answer what the receiver did; the cursor does not move. Needs siem.manage; audited as siem.destination_test",
          params: ZParams,
          response: { 200: ZSiemTestResult, ...errors, 404: ZErrorEnvelope },
        },
      },
      async (request) => svc.test(ctx(request), request.params.id),
    );
  };
}
