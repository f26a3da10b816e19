# syntax=docker/dockerfile:1
# Bridle: one process serves the API and the built console (DESIGN.md "Architecture").
# The API has no compile step: tsx runs its TypeScript directly, so the runtime image keeps the
# sources and the production dependencies, plus the console's static build.
#
#   docker build -t bridle .
#   docker run -p 3000:3000 -e DATABASE_URL=postgres://... -e BRIDLE_BOOTSTRAP_ADMIN_PASSWORD=... bridle
#   (or: docker compose up, see docker-compose.yml)

FROM node:20-bookworm-slim AS base
RUN npm i -g pnpm@10.34.8 && npm cache clean --force
WORKDIR /app

# Packages are fetched from the lockfile alone, so this layer is rebuilt only when it changes.
FROM base AS fetch
ENV CI=true
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN pnpm fetch

# Every dependency (dev included), then the console build.
FROM fetch AS build
COPY . .
RUN pnpm install --frozen-lockfile --offline
RUN pnpm --filter @bridle/console build

# Production dependencies only (tsx is a dependency of @bridle/api, so it is here).
FROM fetch AS prod-deps
COPY . .
RUN pnpm install --frozen-lockfile --offline --prod

FROM base AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
COPY --from=prod-deps /app /app
COPY --from=build /app/apps/console/dist /app/apps/console/dist
# .data/ holds the embedded PGlite database when DATABASE_URL is unset; the app user must own it.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 3000}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["pnpm", "--filter", "@bridle/api", "start"]
