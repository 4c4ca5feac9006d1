# tasaeed as a container: `docker build -t tasaeed .` then see docker-compose.yml (profile "app").
# Stage 1 installs the locked production dependencies; stage 2 is the runtime, as a non-root user, with tini as
# PID 1 so the daemon (node itself, not npm) receives SIGTERM and stops cleanly.
FROM node:20-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

FROM node:20-slim
RUN apt-get update && apt-get install -y --no-install-recommends tini ca-certificates && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-old-space-size=192 \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=9464
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
COPY migrations ./migrations
COPY templates ./templates
COPY examples ./examples
USER node
EXPOSE 9464
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.HTTP_PORT+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "bin/tasaeed.mjs"]
CMD ["start"]
