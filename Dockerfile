# syntax=docker/dockerfile:1
# gcli2api: build with the dev toolchain, run on production dependencies only, as a non-root user.
ARG NODE_VERSION=20.19.6

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary matches the platform.
# hadolint ignore=DL3008
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# Prune after the build so the compiled native modules carry over to the runtime stage.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=7861 \
    CREDENTIALS_DIR=/app/creds \
    LOG_FILE=/app/creds/log.txt
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
RUN mkdir -p /app/creds && chown node:node /app/creds
# The SQLite database, imported credential files and the log file live here.
VOLUME ["/app/creds"]
# The node image's `node` user, by number so the runtime can check it is not root.
USER 1000:1000
EXPOSE 7861
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||7861)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM (docker stop) drains in-flight calls for up to SHUTDOWN_TIMEOUT_MS, then exits.
STOPSIGNAL SIGTERM
# V8's young generation capped at 8 MiB a half, as `npm start` does (see the README's
# "Memory on a small box").
CMD ["node", "--max-semi-space-size=8", "dist/main.js"]
