# syntax=docker/dockerfile:1
# Build: dependencies and compile with dev tools, then prune to production dependencies.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY scripts/openapi.ts ./scripts/openapi.ts
COPY console ./console
RUN npm run build && npm prune --omit=dev

# Run: slim Node LTS, non-root, tini as PID 1 so SIGTERM reaches Node and the drain runs.
FROM node:22-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*
# The heap cap sits below the default MEMORY_BUDGET_MB (448), and V8 collects on the main
# thread only: its helper threads cost more CPU than they saved (bench/README.md, Memory).
ENV NODE_ENV=production PORT=3000 HOST=0.0.0.0 NODE_OPTIONS="--max-old-space-size=384 --single-threaded-gc"
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/console/dist ./console/dist
USER node
EXPOSE 3000
# node:http rather than fetch: fetch loads undici and compiles its WebAssembly parser, an
# 84 MB peak per check inside the container's memory limit; node:http peaks at 44 MB.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "require('http').get('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live',r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/src/main.js"]
