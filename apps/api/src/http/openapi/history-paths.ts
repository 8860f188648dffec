import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import {
  searchPageSchema,
  searchQuerySchema,
  statsAnswerSchema,
  statsQuerySchema,
} from '../schemas/history.schema';
import { errorResponses, json } from './responses';

const security = [{ apiKey: [] }];

/** Search and stats over the delivery-history archive (#20). */
export function registerHistoryPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/v1/messages',
    operationId: 'searchMessages',
    tags: ['messages'],
    summary: 'Search messages in the delivery-history archive, newest first',
    description:
      'Filters: `appId`, `toUser`, `status`, `templateId`, `caller`, `from`/`to` (creation time, ISO 8601) and any number of `metadata.<key>=<value>` (a value matches its string, number or boolean form). A caller finds only its own messages of the apps in its scope; API_ADMIN_CALLERS find everyone’s. `nextCursor` is opaque and bound to the caller and the search. The archive follows Redis within seconds (records are archived off the send path). Without an archive: 501 `archive_not_configured`.',
    security,
    request: { query: searchQuerySchema },
    responses: {
      '200': json('One page.', searchPageSchema),
      ...errorResponses(400, 401, 429, 501, 503),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/stats',
    operationId: 'getStats',
    tags: ['messages'],
    summary: 'Counts per status from the archive, optionally per day, template or errcode',
    security,
    request: { query: statsQuerySchema },
    responses: {
      '200': json('The counts.', statsAnswerSchema),
      ...errorResponses(400, 401, 429, 501, 503),
    },
  });
}
