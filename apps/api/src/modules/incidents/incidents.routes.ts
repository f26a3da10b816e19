import {
  ZAddIncidentEvidenceRequest,
  ZDeclareIncidentRequest,
  ZErrorEnvelope,
  ZIncident,
  ZIncidentExportQuery,
  ZIncidentPage,
  ZListIncidentsQuery,
  ZUpdateIncidentRequest,
} from "@bridle/contracts";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf } from "../../plugins/auth.ts";
import type { IncidentsService } from "./incidents.service.ts";

const errors = { 400: ZErrorEnvelope, 401: ZErrorEnvelope, 403: ZErrorEnvelope };
const tags = ["incidents"];

/**
 * Incidents. Security and admins (`incidents.manage`) declare and run them; IT and auditors read
 * them too (`incidents.read`). Times are ISO-8601 UTC; who did what is the server's view of the caller.
 */
export function incidentsRoutes(svc: IncidentsService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const ctx = (request: FastifyRequest) => ({ principal: principalOf(request), requestId: request.id });
    r.get(
      "/incidents",
      {
        schema: {
          operationId: "listIncidents",
          tags,
          summary: "Incidents and drills, newest declared first; `open=true` for those not closed; paginated",
          querystring: ZListIncidentsQuery,
          response: { 200: ZIncidentPage, ...errors },
        },
      },
      async (request) => svc.list(ctx(request), request.query),
    );
    r.post(
      "/incidents",
      {
        schema: {
          operationId: "declareIncident",
          tags,
          summary:
            "Declare an incident or a drill (security, admins): title, severity, when it was detected, the bots involved, audit events as evidence. It starts in `stop_the_bleeding`; audited `incident.declare`",
          body: ZDeclareIncidentRequest,
          response: { 201: ZIncident, ...errors },
        },
      },
      async (request, reply) => reply.code(201).send(await svc.declare(ctx(request), request.body)),
    );
    r.get(
      "/incidents/:id",
      {
        schema: {
          operationId: "getIncident",
          tags,
          summary: "One incident: its response windows (due, done, late), evidence, and its blast radius computed from the inventory and the audit log",
          params: z.object({ id: z.uuid() }),
          response: { 200: ZIncident, 404: ZErrorEnvelope, ...errors },
        },
      },
      async (request) => svc.get(ctx(request), request.params.id),
    );
    r.patch(
      "/incidents/:id",
      {
        schema: {
          operationId: "updateIncident",
          tags,
          summary:
            "Change an incident at `version` (409 when someone changed it first, or it is closed). The phase only moves forward; leaving stop_the_bleeding needs `containment`, classify a `rootCauseClass`, fix_and_prove a `permanentFix`, make_it_stick the `newMonitors`. Audited `incident.update` with each change before and after",
          params: z.object({ id: z.uuid() }),
          body: ZUpdateIncidentRequest,
          response: { 200: ZIncident, 404: ZErrorEnvelope, 409: ZErrorEnvelope, ...errors },
        },
      },
      async (request) => svc.update(ctx(request), request.params.id, request.body),
    );
    r.post(
      "/incidents/:id/evidence",
      {
        schema: {
          operationId: "addIncidentEvidence",
          tags,
          summary: "Link audit events (an alert's, a kill switch's, a decision's, a runtime event) as evidence; audited `incident.evidence_add`",
          params: z.object({ id: z.uuid() }),
          body: ZAddIncidentEvidenceRequest,
          response: { 200: ZIncident, 404: ZErrorEnvelope, 409: ZErrorEnvelope, ...errors },
        },
      },
      async (request) => svc.addEvidence(ctx(request), request.params.id, request.body.evidence),
    );
    r.get(
      "/incidents/:id/summary",
      {
        schema: {
          operationId: "exportIncidentSummary",
          tags,
          summary: "The one-page summary as Markdown (`format=md`, text/markdown) or PDF (`format=pdf`, application/pdf), as an attachment; audited `incident.export`",
          params: z.object({ id: z.uuid() }),
          querystring: ZIncidentExportQuery,
          response: { 200: z.string().describe("Markdown text, or the PDF's bytes"), 404: ZErrorEnvelope, ...errors },
        },
      },
      async (request, reply) => {
        const file = await svc.exportSummary(ctx(request), request.params.id, request.query.format);
        reply.header("content-type", file.contentType).header("content-disposition", `attachment; filename="${file.filename}"`);
        // A Buffer (the PDF) is sent as is: Fastify serializes neither strings nor Buffers.
        return reply.send(file.body as string);
      },
    );
  };
}
