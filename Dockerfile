# crew – container image.
#   docker build -t crew .
#   docker run --env-file .env -p 3000:3000 -v "$PWD/agents:/app/agents:ro" crew
# The image carries the repository's agents/ as a default; mount your own folder over
# /app/agents (read at start: restart the container after changing it).
# Or use docker-compose.yml, which adds Redis.

# ---- build: all dependencies, compile TypeScript to dist/ ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
# Dependencies first so this layer is cached until the lockfile changes.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# agents/ and bin/ may be absent from a checkout (git keeps no empty folders); create them so
# the runtime stage can always copy them.
RUN npm run build \
 && mkdir -p agents bin

# ---- runtime: production dependencies and the compiled output only ----
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force
# Files stay owned by root: the app (user node) can read but not modify its own code.
COPY --from=build /app/dist ./dist
COPY --from=build /app/agents ./agents
COPY --from=build /app/bin ./bin
USER node
EXPOSE 3000
# The slim image has no curl; Node 20 has fetch. /healthz is served in HTTP and Socket Mode.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# A larger V8 young generation halves GC pauses when hundreds of answers stream at once (see the README benchmark).
CMD ["node", "--max-semi-space-size=32", "dist/main.js"]
