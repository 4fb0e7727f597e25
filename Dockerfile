# Cordon: one image, two commands (API and worker). Multi-stage: build with dev dependencies,
# bundle the workflow code at build time, ship only production dependencies, run as non-root.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY workflows ./workflows
COPY activities ./activities
COPY src ./src
COPY iam ./iam
COPY runbooks ./runbooks
RUN npx tsc -p tsconfig.build.json \
 && cp -r src/console/assets dist/src/console/assets \
 && cp -r runbooks dist/runbooks \
 && npx tsx src/bootstrap/bundle-workflows.ts dist/workflow-bundle.js \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
# jemalloc, preloaded, as the worker's memory budget assumes it (src/local/worker-allocator.ts): a worker replaying
# evicted workflows frees large activation buffers on the SDK core's threads, which glibc keeps fragmented; jemalloc
# returns them to the system within a second. Linked at one path whatever the architecture.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libjemalloc2 \
 && rm -rf /var/lib/apt/lists/* \
 && ln -s "$(find /usr/lib -name libjemalloc.so.2 | head -n 1)" /usr/local/lib/libjemalloc.so.2
# glibc's settings still apply if the preload ever fails: 2 arenas (not up to 8 per core for the SDK core's threads),
# and buffers of 128 KiB and more (activations carrying replayed histories) mapped and unmapped on their own.
ENV NODE_ENV=production \
    LD_PRELOAD=/usr/local/lib/libjemalloc.so.2 \
    MALLOC_CONF=background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0 \
    MALLOC_ARENA_MAX=2 \
    MALLOC_MMAP_THRESHOLD_=131072 \
    MALLOC_TRIM_THRESHOLD_=131072 \
    CORDON_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js \
    CORDON_API_HOST=0.0.0.0 \
    CORDON_DATA_DIR=/var/lib/cordon
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json ./
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
RUN mkdir -p /var/lib/cordon/evidence /var/lib/cordon/api && chown -R node:node /var/lib/cordon
USER node
EXPOSE 8787 9464
ENTRYPOINT ["node"]
# API by default; the worker runs `dist/src/bootstrap/worker-main.js` (see docker-compose.yml).
CMD ["dist/src/bootstrap/api-main.js"]
