import { typedKeyPattern, VALUE_RULE_SCHEMAS, type ValueSchema } from './value-rule-schemas';

/**
 * What the message schema's refinements enforce, said in JSON Schema for the OpenAPI document
 * (zod's own rendering of a record keeps neither the key pattern nor the per-prefix rules).
 * Attached to the zod schemas as metadata, so the document is generated from the schemas that
 * validate.
 */

/** A data key: what `data`'s key schema allows. */
const DATA_KEY = '^[A-Za-z][A-Za-z0-9_]{0,63}$';
const CONTROL = String.raw`\x00-\x1f\x7f-\x9f\u2028\u2029`;

/** A data value: the bare string or WeChat's `{ value }` shape. */
const valueOf = (schema: ValueSchema): object => ({
  anyOf: [
    schema,
    {
      type: 'object',
      properties: { value: schema },
      required: ['value'],
      additionalProperties: false,
    },
  ],
});

/** Options of {@link dataSchemaDocs}. */
export interface DataDocsOptions {
  /** Subscribe and bizsend: only typed keys. */
  typedOnly: boolean;
  maxKeys: number;
  maxLength: number;
}

/** The `data` object's JSON Schema additions. */
export function dataSchemaDocs(options: DataDocsOptions): Record<string, unknown> {
  const typed = Object.fromEntries(
    Object.entries(VALUE_RULE_SCHEMAS).map(([type, schema]) => [
      typedKeyPattern(type),
      valueOf(schema),
    ]),
  );
  const untyped = {
    type: 'string' as const,
    maxLength: options.maxLength,
    pattern: `^[^${CONTROL}]*$`,
    description: 'A key without a type prefix (keyword1): no line breaks or control characters',
  };
  const dropped = { type: 'string' as const, maxLength: options.maxLength };
  return {
    description: options.typedOnly
      ? `Typed keys only (thing1, time2, …: a type prefix and a number); each value follows WeChat's rule for its prefix (see patternProperties). 1 to ${options.maxKeys} keys.`
      : `Template keys; a typed key (thing1, time2, …) follows WeChat's rule for its prefix, any other key (keyword1) only refuses line breaks; first and remark are not checked (WeChat drops them). 1 to ${options.maxKeys} keys.`,
    propertyNames: { pattern: DATA_KEY },
    minProperties: 1,
    maxProperties: options.maxKeys,
    patternProperties: options.typedOnly
      ? typed
      : { ...typed, '^(first|remark)$': valueOf(dropped) },
    additionalProperties: options.typedOnly ? false : valueOf(untyped),
  };
}

/** The `metadata` object's JSON Schema additions. */
export function metadataDocs(maxBytes: number): Record<string, unknown> {
  return {
    description: `Echoed on the record and in callbacks. Keys of at most 64 characters; string values of at most 1024; at most ${maxBytes} bytes as JSON in all (not expressible in JSON Schema: 400 naming metadata).`,
    propertyNames: { maxLength: 64 },
  };
}

const TO_USER = 'oGZUI0egBJY1zhBYw2KhdUfwVJJE';

/** One body per message type, each accepted as it is by an app configured as `wx-demo`. */
export const MESSAGE_EXAMPLES = {
  template: {
    type: 'template',
    toUser: TO_USER,
    templateId: 'ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY',
    data: { keyword1: 'Order 1042', keyword2: { value: '2026-01-01 15:01' } },
    url: 'https://example.com/orders/1042',
  },
  subscribe: {
    type: 'subscribe',
    toUser: TO_USER,
    templateId: 'bDmywsp2oEHjwAadTGKkUHpC0RgBVPvfAmRRGb1Buyw',
    data: { thing1: 'Order shipped', time2: '2026-01-01 15:01', amount3: '¥99.00' },
    page: 'pages/orders/detail?id=1042',
    skipConsentCheck: true,
  },
  bizsend: {
    type: 'bizsend',
    toUser: TO_USER,
    templateId: 'iuQE3Bs8RBnJPsHYtw_7_jtBlXqyzXIC7RwkDoRHBu8',
    data: { thing1: 'Order shipped', character_string2: 'SF1042' },
    page: 'https://example.com/orders/1042',
    skipConsentCheck: true,
  },
} as const;
