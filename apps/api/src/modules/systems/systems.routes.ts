import { ZCreateSystemRequest, ZErrorEnvelope, ZSystemDetail, ZSystemWriteResult, ZUpdateSystemRequest } from "@bridle/contracts";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf } from "../../plugins/auth.ts";
import type { SystemsService } from "./systems.service.ts";

const ZId = z.object({ id: z.uuid() });
const ctx = (request: FastifyRequest) => ({ principal: principalOf(request), requestId: request.id });

/** `/systems`: the connected system catalog. Reads for every signed-in person; writes need `systems.manage` (admins). */
export function systemsRoutes(svc: SystemsService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get(
      "/systems",
      {
        schema: {
          operationId: "listSystems",
          tags: ["systems"],
          summary: "The connected system catalog with each system's classification and how many records use it",
          response: { 200: z.object({ items: z.array(ZSystemDetail) }), 401: ZErrorEnvelope },
        },
      },
      async () => ({ items: await svc.list() }),
    );
    r.get(
      "/systems/:id",
      {
        schema: {
          operationId: "getSystem",
          tags: ["systems"],
          summary: "One connected system",
          params: ZId,
          response: { 200: ZSystemDetail, 401: ZErrorEnvelope, 404: ZErrorEnvelope },
        },
      },
      async (request) => svc.get(request.params.id),
    );
    r.post(
      "/systems",
      {
        schema: {
          operationId: "createSystem",
          tags: ["systems"],
          summary: "Add a connected system (admins); every bot's findings are recomputed",
          description: "409 `conflict` when the key is taken. `recomputed` counts the bots whose findings changed.",
          body: ZCreateSystemRequest,
          response: { 201: ZSystemWriteResult, 400: ZErrorEnvelope, 401: ZErrorEnvelope, 403: ZErrorEnvelope, 409: ZErrorEnvelope },
        },
      },
      async (request, reply) => reply.code(201).send(await svc.create(ctx(request), request.body)),
    );
    r.patch(
      "/systems/:id",
      {
        schema: {
          operationId: "updateSystem",
          tags: ["systems"],
          summary: "Rename, describe or reclassify a connected system (admins); a new classification recomputes findings at once",
          params: ZId,
          body: ZUpdateSystemRequest,
          response: { 200: ZSystemWriteResult, 400: ZErrorEnvelope, 401: ZErrorEnvelope, 403: ZErrorEnvelope, 404: ZErrorEnvelope },
        },
      },
      async (request) => svc.update(ctx(request), request.params.id, request.body),
    );
    r.delete(
      "/systems/:id",
      {
        schema: {
          operationId: "deleteSystem",
          tags: ["systems"],
          summary: "Remove a connected system nothing uses (admins)",
          description:
            "409 `conflict` while grants, service accounts or credential references use it; `details.usage` gives the counts.",
          params: ZId,
          response: { 200: z.object({ recomputed: z.number().int() }), 401: ZErrorEnvelope, 403: ZErrorEnvelope, 404: ZErrorEnvelope, 409: ZErrorEnvelope },
        },
      },
      async (request) => svc.remove(ctx(request), request.params.id),
    );
  };
}
