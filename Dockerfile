# syntax=docker/dockerfile:1
# Multi-stage: compile TypeScript with the dev dependencies, ship only the compiled output and
# the production dependencies, and run as the unprivileged `node` user (uid 1000).

FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 (the embedded default driver) compiles from source when no prebuilt binary fits.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# The workspaces: npm ci installs them, and its prepare step builds web/ (the console and the
# privacy centre) from its sources and the published SDL.
COPY examples/lender/package.json ./examples/lender/
COPY schema ./schema
COPY web ./web
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ormconfig.ts ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=4000 \
    NODE_OPTIONS=--max-semi-space-size=64
WORKDIR /app
# Code and dependencies stay owned by root, so the process cannot modify them; only data/
# (the SQLite fallback, unused with DATABASE_URL=mysql://...) is writable by it.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
# package.json for the operator commands that run the compiled CLIs (ts-node is not here):
# `npm run retention:dist`, `npm run rotate-keys:dist -- …`.
COPY package.json ./
RUN mkdir -p data && chown node:node data
USER node
EXPOSE 4000
# Liveness only; readiness (database, migrations) is GET /readyz, for the load balancer.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM starts the graceful shutdown (SHUTDOWN_GRACE_SECONDS); keep the orchestrator's
# grace period longer than that.
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]
