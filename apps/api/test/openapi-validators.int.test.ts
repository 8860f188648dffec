import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { APP_ID, ORDERS_KEY, startTestApi, type TestApi } from './helpers/test-api';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const run = promisify(execFile);

interface Operation {
  operationId?: string;
  security?: Array<Record<string, unknown>>;
  responses: Record<string, unknown>;
  requestBody?: { content: Record<string, { examples?: Record<string, { value: unknown }> }> };
}

interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
}

describe('the served OpenAPI document, checked by tools nobody here wrote', () => {
  let api: TestApi;
  let doc: OpenApiDoc;
  let file: string;

  const operations = (): Array<[string, Operation]> =>
    Object.entries(doc.paths).flatMap(([p, item]) =>
      Object.entries(item).map(([method, op]): [string, Operation] => [`${method} ${p}`, op]),
    );

  beforeAll(async () => {
    api = await startTestApi({ admin: { user: 'a', password: 'dashboard-password-01' } });
    doc = (await request(api.app).get('/openapi.json')).body as OpenApiDoc;
    file = path.join(mkdtempSync(path.join(tmpdir(), 'wxd-openapi-')), 'openapi.json');
    writeFileSync(file, JSON.stringify(doc, null, 2));
  });

  afterAll(async () => {
    await api.close();
  });

  it('when swagger-parser and the OpenAPI 3.1 JSON Schema validator check it, then both find it valid', async () => {
    const { stdout } = await run(
      process.execPath,
      [path.join(ROOT, 'scripts/validate-openapi.mjs'), file],
      { cwd: ROOT },
    );

    expect(stdout.trim().split('\n')).toEqual([
      'swagger-parser: valid',
      'openapi-schema-validator: valid',
    ]);
  });

  it('when redocly lints it with the recommended rules (redocly.yaml), then it has no error and no warning', async () => {
    const cli = path.join(ROOT, 'node_modules/@redocly/cli/bin/cli.js');
    const { stdout, stderr } = await run(
      process.execPath,
      [cli, 'lint', '--config', path.join(ROOT, 'redocly.yaml'), '--format', 'stylish', file],
      {
        cwd: ROOT,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      },
    );

    expect(`${stdout}${stderr}`).toContain('Your API description is valid');
    expect(`${stdout}${stderr}`).not.toMatch(/You have \d+ warning/);
  });

  it('when operations are listed, then each has a unique operationId, public ones say security: [] and every other one documents 401', () => {
    const ids = operations().map(([, op]) => op.operationId);
    const publicOps = operations().filter(([, op]) => op.security?.length === 0);

    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    // WeChat's token endpoints (#19: appid and secret are the credential) and its pushes (a
    // signature is) are public too.
    expect(publicOps.map(([name]) => name).sort()).toEqual([
      'get /cgi-bin/token',
      'get /docs',
      'get /healthz',
      'get /openapi.json',
      'get /readyz',
      'get /wechat/component/{componentAppId}/authorized',
      'get /wechat/events/{appId}',
      'post /cgi-bin/stable_token',
      'post /wechat/component/{componentAppId}',
      'post /wechat/component/{componentAppId}/events/{authorizerAppId}',
      'post /wechat/events/{appId}',
    ]);
    const missing401 = operations()
      .filter(([name, op]) => op.security?.length && !name.startsWith('post /cgi-bin/'))
      .filter(([, op]) => !('401' in op.responses))
      .map(([name]) => name);

    expect(missing401).toEqual([]);
  });

  it('when each request example of the document is sent as it is, then the API accepts it (202)', async () => {
    const sent: string[] = [];
    for (const [name, op] of operations()) {
      const examples = op.requestBody?.content['application/json']?.examples ?? {};
      const route = name.split(' ')[1]!;
      if (!route.startsWith('/v1/messages')) {
        continue;
      }
      for (const [label, example] of Object.entries(examples)) {
        const res = await request(api.app)
          .post(route)
          .set('authorization', `Bearer ${ORDERS_KEY}`)
          .send(example.value as object);
        expect({ label, status: res.status, body: res.body as unknown }).toEqual({
          label,
          status: 202,
          body: expect.anything(),
        });
        sent.push(label);
      }
    }

    expect(sent.sort()).toEqual(['bizsend', 'subscribe', 'template', 'twoMessages']);
  });

  it("when the document is served, then a message's appId lists the enabled apps", () => {
    const schemas = (
      doc as unknown as {
        components: { schemas: Record<string, { properties: { appId: { enum?: string[] } } }> };
      }
    ).components.schemas;

    expect(schemas.TemplateMessage?.properties.appId.enum).toEqual([APP_ID]);
  });

  it('when /docs and /admin/queues answer, then they answer as documented (301 to /docs/, 401 as JSON)', async () => {
    const docs = await request(api.app).get('/docs');
    const dashboard = await request(api.app).get('/admin/queues');

    expect(Object.keys(doc.paths['/docs']!.get!.responses)).toEqual(['301']);
    expect(docs.status).toBe(301);
    expect(dashboard.status).toBe(401);
    expect(dashboard.headers['content-type']).toMatch(/^application\/json/);
    expect(doc.paths['/admin/queues']!.get!.responses['401']).toMatchObject({
      content: { 'application/json': expect.anything() },
    });
  });
});
