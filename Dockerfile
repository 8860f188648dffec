# syntax=docker/dockerfile:1
# One image for the whole workspace; docker-compose picks the process with `command`.
# Build: docker build -t wechat-dispatch .

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json tsconfig.json ./
COPY packages/shared/package.json packages/shared/
COPY packages/client/package.json packages/client/
COPY packages/core/package.json packages/core/
COPY packages/wechat-client/package.json packages/wechat-client/
COPY packages/testkit/package.json packages/testkit/
COPY apps/sandbox/package.json apps/sandbox/
COPY apps/api/package.json apps/api/
COPY apps/worker/package.json apps/worker/
RUN npm ci --no-audit --no-fund
COPY packages packages
COPY apps apps
COPY scripts scripts
RUN npm run build

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/shared/package.json packages/shared/
COPY packages/client/package.json packages/client/
COPY packages/core/package.json packages/core/
COPY packages/wechat-client/package.json packages/wechat-client/
COPY packages/testkit/package.json packages/testkit/
COPY apps/sandbox/package.json apps/sandbox/
COPY apps/api/package.json apps/api/
COPY apps/worker/package.json apps/worker/
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/packages/shared/dist packages/shared/dist
COPY --from=build /app/packages/core/dist packages/core/dist
COPY --from=build /app/packages/wechat-client/dist packages/wechat-client/dist
COPY --from=build /app/apps/sandbox/dist apps/sandbox/dist
COPY --from=build /app/apps/api/dist apps/api/dist
COPY --from=build /app/apps/worker/dist apps/worker/dist
USER node
EXPOSE 3000 8081 9100
CMD ["node", "apps/api/dist/main.js"]
