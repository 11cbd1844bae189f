# The Tributary image: one image for every part (`tributary api`, `tributary
# worker <name>`, `tributary broker`, the Kafka tool commands); docker-compose.yml
# picks the part with `command:`. Built in two stages so the image carries the
# compiled JavaScript and production dependencies only.
FROM node:24-slim AS build
WORKDIR /app
# Dependencies first, so editing the source does not reinstall them.
# --ignore-scripts: `prepare` would build before the source is copied.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bin ./bin
RUN npm run build && npm prune --omit=dev

FROM node:24-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
# The embedded broker and PGlite write under DATA_DIR when used without
# KAFKA_BROKERS / DATABASE_URL; the node user owns it.
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8000 9092
ENTRYPOINT ["node", "bin/tributary.js"]
CMD ["--help"]
