# syntax=docker/dockerfile:1
# Production image. Build:  docker build -t kpac-tracker .
# Run (see docker-compose.yml, profile "production", and docs/deploy.md):
#   docker run -e APP_SECRET=... -e REDIS_URL=redis://redis:6379 -v kpac-data:/data -p 3000:3000 kpac-tracker
#
# The runtime steps here (scripts/runtime-install.sh, the CMD) are the ones
# test/e2e/runtime-steps.e2e-spec.ts runs outside Docker; change them together.

# 0. The toolchain native modules (sqlite3, argon2) fall back to when no prebuilt binary fits.
FROM node:20-bookworm AS toolchain
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*

# 1. Compile with the dev dependencies.
FROM toolchain AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# 2. Production dependencies only (a stage of its own: source changes do not rebuild it).
FROM toolchain AS deps
WORKDIR /deps
COPY package.json package-lock.json ./
COPY scripts/runtime-install.sh ./scripts/runtime-install.sh
RUN sh scripts/runtime-install.sh /deps

# 3. Runtime: slim Debian of the same release (same glibc as the native modules were built on).
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
# Code and dependencies belong to root and are read-only to the service's account.
COPY --from=deps /deps/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The database (SQLite), the generated secret and the backups live here; it is the one volume.
RUN mkdir -p /data && chown node:node /data && chmod 700 /data
VOLUME ["/data"]
USER node
EXPOSE 3000
# slim has no curl: Node's fetch asks /health (200 when ok or degraded, 503 when the database is down).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Heap sized for a small host (the same flags as `npm start`; BENCHMARKS.md has the figures).
# The worker container overrides this with dist/worker.js and the same flags.
CMD ["node", "--max-old-space-size=160", "--max-semi-space-size=8", "dist/main.js"]
