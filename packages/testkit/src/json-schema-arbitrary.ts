import fc from 'fast-check';

/** The part of JSON Schema (2020-12, as OpenAPI 3.1 uses it) our document uses. */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  patternProperties?: Record<string, JsonSchema>;
  propertyNames?: JsonSchema;
  minProperties?: number;
  maxProperties?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
}

/** Most extra keys, and items, a generated object or array gets: cases stay small. */
const MAX_EXTRA = 3;

/** Resolves `#/components/schemas/X` in `root`. */
function resolve(root: object, ref: string): JsonSchema {
  let node: unknown = root;
  for (const part of ref.replace(/^#\//, '').split('/')) {
    node = (node as Record<string, unknown>)[part];
  }
  return node as JsonSchema;
}

function stringOf(schema: JsonSchema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? 64;
  if (schema.format === 'date-time') {
    return fc
      .date({
        min: new Date('2000-01-01T00:00:00Z'),
        max: new Date('2099-12-31T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString());
  }
  const base = schema.pattern
    ? fc.stringMatching(new RegExp(schema.pattern))
    : fc.string({ minLength: min, maxLength: Math.min(max, 64), unit: 'grapheme' });
  return base.filter((value) => {
    const length = [...value].length;
    return length >= min && length <= max;
  });
}

/** An object with its required properties, some optional ones and a few pattern/extra keys. */
function objectOf(root: object, schema: JsonSchema): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const fixed = fc.record(
    Object.fromEntries(
      Object.entries(properties).map(([name, sub]) => [name, arbitraryOf(root, sub)]),
    ),
    { requiredKeys: [...required] },
  );
  const patterns = Object.entries(schema.patternProperties ?? {});
  const namePattern = schema.propertyNames?.pattern
    ? new RegExp(schema.propertyNames.pattern)
    : undefined;
  const nameMax = schema.propertyNames?.maxLength ?? 64;
  const nameOk = (name: string) =>
    (!namePattern || namePattern.test(name)) &&
    [...name].length <= nameMax &&
    !(name in properties);
  const entries: Array<fc.Arbitrary<[string, unknown]>> = patterns.map(([pattern, sub]) =>
    fc.tuple(fc.stringMatching(new RegExp(pattern)).filter(nameOk), arbitraryOf(root, sub)),
  );
  const additional = schema.additionalProperties;
  if (additional !== undefined && additional !== false) {
    const names = namePattern ? fc.stringMatching(namePattern) : fc.string({ minLength: 1 });
    const unmatched = names.filter(
      (name) => nameOk(name) && !patterns.some(([p]) => new RegExp(p).test(name)),
    );
    entries.push(
      fc.tuple(unmatched, additional === true ? fc.string() : arbitraryOf(root, additional)),
    );
  }
  const extras =
    entries.length === 0
      ? fc.constant([] as Array<[string, unknown]>)
      : fc.array(fc.oneof(...entries), { maxLength: MAX_EXTRA });
  const min = schema.minProperties ?? 0;
  const max = schema.maxProperties ?? Infinity;
  return fc
    .tuple(fixed, extras)
    .map(([base, more]) => ({ ...Object.fromEntries(more), ...base }))
    .filter((value) => Object.keys(value).length >= min && Object.keys(value).length <= max);
}

/**
 * A fast-check arbitrary of the values `schema` accepts: the property-based generator of the
 * OpenAPI fuzz test (Schemathesis's job, from npm). Every value it yields is valid against the
 * schema (the fuzz test checks that with Ajv before sending it).
 */
export function arbitraryOf(root: object, schema: JsonSchema): fc.Arbitrary<unknown> {
  if (schema.$ref) {
    return arbitraryOf(root, resolve(root, schema.$ref));
  }
  if (schema.const !== undefined) {
    return fc.constant(schema.const);
  }
  if (schema.enum) {
    return fc.constantFrom(...schema.enum);
  }
  const choices = schema.oneOf ?? schema.anyOf;
  if (choices) {
    return fc.oneof(...choices.map((choice) => arbitraryOf(root, choice)));
  }
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object':
      return objectOf(root, schema);
    case 'array':
      return fc.array(arbitraryOf(root, schema.items ?? {}), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? MAX_EXTRA, MAX_EXTRA),
      });
    case 'string':
      return stringOf(schema);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.jsonValue();
  }
}
