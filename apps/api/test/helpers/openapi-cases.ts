import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { arbitraryOf, type JsonSchema } from '@wechat-dispatch/testkit';

/** One operation of the document. */
export interface Operation {
  method: string;
  path: string;
  operationId: string;
  parameters: Array<{ name: string; in: string; required?: boolean; schema: JsonSchema }>;
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }>;
  security?: Array<Record<string, unknown>>;
}

/** A request generated from an operation. */
export interface GeneratedRequest {
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: unknown;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Every operation of `doc`. */
export function operationsOf(doc: { paths: Record<string, Record<string, unknown>> }): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({
        ...(op as Operation),
        method,
        path,
        parameters: (op as Operation).parameters ?? [],
      })),
  );
}

/**
 * Requests `op` accepts by its document: parameters and JSON body generated from their
 * schemas. `omit` names body fields left out (the fuzz test says why).
 */
export function requestsOf(
  doc: object,
  op: Operation,
  omit: readonly string[] = [],
): fc.Arbitrary<GeneratedRequest> {
  const params = Object.fromEntries(
    op.parameters.map((p) => [`${p.in}:${p.name}`, arbitraryOf(doc, p.schema)]),
  );
  const required = op.parameters
    .filter((p) => p.required || p.in === 'path')
    .map((p) => `${p.in}:${p.name}`);
  const json = op.requestBody?.content['application/json']?.schema;
  const body = json
    ? arbitraryOf(doc, json).map((value) => strip(value, omit))
    : fc.constant(undefined);
  return fc.tuple(fc.record(params, { requiredKeys: required }), body).map(([values, value]) => {
    const request: GeneratedRequest = { path: op.path, query: {}, headers: {}, body: value };
    for (const [key, raw] of Object.entries(values)) {
      const [where, name] = key.split(':') as [string, string];
      const text = String(raw);
      if (where === 'path') {
        request.path = request.path.replace(`{${name}}`, encodeURIComponent(text));
      } else if (where === 'query') {
        request.query[name] = text;
      } else if (where === 'header') {
        request.headers[name] = text;
      }
    }
    return request;
  });
}

/** `value` without the `omit` fields, at the top level and in `messages[]`. */
function strip(value: unknown, omit: readonly string[]): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => strip(item, omit));
  }
  if (value && typeof value === 'object') {
    const copy = { ...(value as Record<string, unknown>) };
    for (const field of omit) {
      delete copy[field];
    }
    if (Array.isArray(copy.messages)) {
      copy.messages = strip(copy.messages, omit);
    }
    return copy;
  }
  return value;
}

/** Checks values against the document's schemas (JSON Schema 2020-12, as OpenAPI 3.1). */
export class DocumentSchemas {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, unicodeRegExp: false });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(doc: { components?: object }) {
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: 'doc', components: doc.components });
  }

  /** The errors of `value` against `schema` (a schema of the document), or none. */
  errors(schema: JsonSchema, value: unknown): string[] {
    const key = JSON.stringify(schema);
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(
        JSON.parse(key.replaceAll('"#/components/', '"doc#/components/')) as object,
      );
      this.compiled.set(key, validate);
    }
    return validate(value)
      ? []
      : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
  }
}
