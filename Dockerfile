# syntax=docker/dockerfile:1
# Teams Presence Connector — multi-stage image.
#   docker build -t teams-presence-connector .                      production (target "runtime", the default)
#   docker build --target sandbox -t teams-presence-connector:sandbox .   the sandbox (compose.yaml)
# The runtime stage holds the compiled server (and its sources, for the sandbox), production dependencies and the
# built widgets; it runs as the unprivileged "node" user, keeps its database on the /data volume, and its health
# check asks /readyz.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 ships prebuilt binaries; the toolchain is here for platforms without one.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:widget && npm run build:server && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production TPC_MODE=live TPC_HOST=0.0.0.0 PORT=3000 TPC_DB_PATH=/data/connector.db
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/server ./server
COPY --from=build /app/dist/server ./dist/server
COPY --from=build /app/mappings ./mappings
COPY --from=build /app/dist/widget ./dist/widget
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
# node itself is PID 1's only process: SIGTERM reaches it directly (no npm or shell wrapper), it drains and exits 0.
# The same command as `npm run start:prod`: the server compiled to JavaScript (no TypeScript loader in the process),
# the old generation growing by 20 % of what survives a collection and the young one to 8 MB per semi-space,
# garbage collected on the main thread (helper threads cost more CPU than they saved)
# (README "Deploy": memory at 50,000 agents). The sandbox target below still runs the sources through tsx.
CMD ["node", "--heap-growing-percent=20", "--max-semi-space-size=8", "--single-threaded-gc", "dist/server/main.js"]

# The sandbox: both emulators and demo data (compose.yaml). It listens on loopback only, since it serves demo keys.
FROM runtime AS sandbox
ENV TPC_MODE=sandbox TPC_HOST=127.0.0.1
COPY --from=build /app/sandbox ./sandbox
COPY --from=build /app/emulators ./emulators
CMD ["node", "--import", "tsx", "sandbox/main.ts"]

# The production image is the default target.
FROM runtime
