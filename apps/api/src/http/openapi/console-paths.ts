import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { errorResponses } from './responses';

const page = (description: string) => ({
  description,
  content: { 'text/html': { schema: z.string() } },
});
const security = [{ dashboard: [] }];
const tags = ['operations'];
const BEHIND =
  'The operator console (#20), server-rendered, behind the dashboard’s basic auth (ADMIN_USER / ADMIN_PASSWORD); 404 when they are not set.';
const idParams = z.object({ id: z.string().min(1).max(128) });

/** `/admin`: the operator console's pages (HTML for people, not an API for programs). */
export function registerConsolePaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/admin',
    operationId: 'getConsoleSearch',
    tags,
    summary: 'Console: search messages in the archive (and open one by id)',
    description: `${BEHIND} The form's fields are \`toUser\`, \`appId\`, \`status\`, \`templateId\`, \`caller\`, \`from\`, \`to\`, \`metaKey\` + \`metaValue\` and \`cursor\`, as \`GET /v1/messages\` (every caller's messages).`,
    security,
    responses: { '200': page('HTML.'), ...errorResponses(401, 429) },
  });
  registry.registerPath({
    method: 'get',
    path: '/admin/messages',
    operationId: 'openConsoleMessage',
    tags,
    summary: 'Console: the lookup-by-id form, redirected to the message’s page',
    description: BEHIND,
    security,
    request: { query: z.object({ id: z.string().max(128).optional() }) },
    responses: {
      '303': {
        description: 'To `/admin/messages/{id}` (or `/admin` without an id).',
        headers: z.object({ Location: z.string() }),
      },
      ...errorResponses(401, 429),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/admin/messages/{id}',
    operationId: 'getConsoleMessage',
    tags,
    summary: 'Console: one message, its history and what its errcodes mean',
    description: `${BEHIND} Read from Redis, else from the archive.`,
    security,
    request: { params: idParams },
    responses: {
      '200': page('HTML.'),
      '404': page('No such message.'),
      ...errorResponses(401, 429),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/admin/dead-letters',
    operationId: 'getConsoleDeadLetters',
    tags,
    summary: 'Console: dead letters, newest first, each with a redrive button',
    description: BEHIND,
    security,
    responses: { '200': page('HTML.'), ...errorResponses(401, 429) },
  });
  registry.registerPath({
    method: 'post',
    path: '/admin/dead-letters/{id}/redrive',
    operationId: 'postConsoleRedrive',
    tags,
    summary: 'Console: redrive a dead letter (the console’s own form)',
    description: `${BEHIND} The form carries the console's token and must come from the console's origin; otherwise 403.`,
    security,
    request: {
      params: idParams,
      body: {
        required: true,
        content: {
          'application/x-www-form-urlencoded': { schema: z.object({ csrf: z.string() }) },
        },
      },
    },
    responses: {
      '200': page('The dead letters again, saying what happened.'),
      '403': page('Not sent from the console.'),
      ...errorResponses(401, 429),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/admin/callback-dead-letters',
    operationId: 'getConsoleCallbackDeadLetters',
    tags,
    summary: 'Console: callbacks that used their attempt budget',
    description: BEHIND,
    security,
    responses: { '200': page('HTML.'), ...errorResponses(401, 429) },
  });
  registry.registerPath({
    method: 'get',
    path: '/admin/apps',
    operationId: 'getConsoleApps',
    tags,
    summary: 'Console: the apps, and a link to each queue in Bull Board',
    description: BEHIND,
    security,
    responses: { '200': page('HTML.'), ...errorResponses(401, 429) },
  });
  registry.registerPath({
    method: 'get',
    path: '/admin/console.css',
    operationId: 'getConsoleStylesheet',
    tags,
    summary: 'Console: its stylesheet',
    description: BEHIND,
    security,
    responses: {
      '200': { description: 'CSS.', content: { 'text/css': { schema: z.string() } } },
      ...errorResponses(401, 429),
    },
  });
}
