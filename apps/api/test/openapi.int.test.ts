import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Express } from 'express';
import request from 'supertest';
import { startTestApi, type TestApi } from './helpers/test-api';

interface Layer {
  rawPath?: string | RegExp | Array<string | RegExp>;
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, { additionalProperties?: unknown }> };
}

/** Routers mounted here belong to a library (Bull Board, Swagger UI): one documented path each. */
const FOREIGN_MOUNTS = ['/admin/queues', '/docs'];

/** Every `METHOD /path` the Express app routes, found by walking its router stack. */
function routesOf(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[], base: string) => {
    for (const layer of stack) {
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      if (layer.route) {
        const path = `${base}${layer.route.path === '/' ? '' : layer.route.path}` || '/';
        for (const method of Object.keys(layer.route.methods)) {
          found.push(`${method.toUpperCase()} ${path.replace(/:(\w+)/g, '{$1}')}`);
        }
      } else if (FOREIGN_MOUNTS.includes(`${base}${mount}`)) {
        found.push(`GET ${base}${mount}`);
      } else if (layer.handle.stack) {
        walk(layer.handle.stack, `${base}${mount}`);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return [...new Set(found)].sort();
}

describe('GET /openapi.json', () => {
  let api: TestApi;
  let doc: OpenApiDoc;

  beforeAll(async () => {
    api = await startTestApi({ admin: { user: 'a', password: 'b' } });
    doc = (await request(api.app).get('/openapi.json')).body as OpenApiDoc;
  });

  afterAll(async () => {
    await api.close();
  });

  it('when it is fetched, then it is OpenAPI 3.1 with the request schemas as components', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining([
        'Message',
        'Batch',
        'Accepted',
        'DeliveryRecord',
        'Error',
        'WeChatTemplateSend',
      ]),
    );
  });

  it('when the app routes a method and path, then the document describes it, and the reverse', () => {
    const documented = Object.entries(doc.paths)
      .flatMap(([path, item]) =>
        Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
      )
      .sort();

    const routed = routesOf(api.routes);

    expect(routed.length).toBeGreaterThan(10);
    expect(routed).toEqual(documented);
  });

  it('when a route is added without documenting it, then the walk finds it missing from the document', async () => {
    const extra = await startTestApi();
    extra.routes.post('/v1/undocumented', (_req, res) => {
      res.end();
    });

    const routed = routesOf(extra.routes);
    await extra.close();

    expect(routed).toContain('POST /v1/undocumented');
    expect(Object.keys(doc.paths)).not.toContain('/v1/undocumented');
  });

  it('when the message schema is rendered, then it is a oneOf told apart by type, and each kind refuses unknown fields', () => {
    const message = doc.components.schemas.Message as { discriminator?: unknown };

    expect(message.discriminator).toEqual({
      propertyName: 'type',
      mapping: {
        template: '#/components/schemas/TemplateMessage',
        subscribe: '#/components/schemas/SubscribeMessage',
        bizsend: '#/components/schemas/BizsendMessage',
      },
    });
    for (const kind of ['TemplateMessage', 'SubscribeMessage', 'BizsendMessage']) {
      expect(doc.components.schemas[kind]?.additionalProperties).toBe(false);
    }
  });
});

describe('GET /docs', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi();
  });

  afterAll(async () => {
    await api.close();
  });

  it('when /docs is opened, then it redirects to /docs/, which renders Swagger UI from local assets with our document', async () => {
    const redirect = await request(api.app).get('/docs');
    const page = await request(api.app).get('/docs/');
    const bundle = await request(api.app).get('/docs/swagger-ui-bundle.js');
    const init = await request(api.app).get('/docs/swagger-ui-init.js');

    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe('/docs/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('swagger-ui-bundle.js');
    expect(page.text).not.toMatch(/src=["']https?:/);
    expect(bundle.status).toBe(200);
    expect(init.text).toContain('/v1/messages/batch');
  });
});
