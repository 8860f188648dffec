import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { VALUE_RULE_SCHEMAS, type ValueSchema } from '../src/messages/value-rule-schemas';
import { checkDataValue } from '../src/messages/value-rules';

/** Strings a JSON Schema string (pattern, maxLength, anyOf) accepts, generated from its pattern. */
function stringsOf(schema: ValueSchema): fc.Arbitrary<string> {
  if (schema.anyOf) {
    return fc.oneof(...schema.anyOf.map(stringsOf));
  }
  const base = schema.pattern ? fc.stringMatching(new RegExp(schema.pattern)) : fc.string();
  return base.filter((value) => [...value].length <= (schema.maxLength ?? Infinity));
}

describe('VALUE_RULE_SCHEMAS (the OpenAPI value rules)', () => {
  it('when a value is generated from the documented schema of its type, then the API rule accepts it', () => {
    for (const [type, schema] of Object.entries(VALUE_RULE_SCHEMAS)) {
      fc.assert(
        fc.property(stringsOf(schema), (value) => {
          expect({ type, value, reason: checkDataValue(`${type}1`, value) }).toEqual({
            type,
            value,
            reason: undefined,
          });
        }),
        { numRuns: 300 },
      );
    }
  });

  it('when the API rule refuses a value, then the documented schema refuses it too', () => {
    const refused: Array<[string, string]> = [
      ['thing', 'x'.repeat(21)],
      ['thing', '   '],
      ['thing', 'a\nb'],
      ['number', '+1'],
      ['letter', 'ab1'],
      ['symbol', '!!!!!!'],
      ['character_string', 'ü'],
      ['time', '25:00'],
      ['date', 'yesterday'],
      ['amount', '¥12345678901'],
      ['phone_number', 'call me'],
      ['car_number', 'A粤B123'],
      ['name', 'R2D2'],
      ['phrase', 'abc'],
      ['const', 'x'.repeat(21)],
    ];
    const accepts = (schema: ValueSchema, value: string): boolean =>
      schema.anyOf
        ? schema.anyOf.some((one) => accepts(one, value))
        : (schema.pattern === undefined || new RegExp(schema.pattern).test(value)) &&
          [...value].length <= (schema.maxLength ?? Infinity);

    for (const [type, value] of refused) {
      expect({ type, value, api: checkDataValue(`${type}1`, value) !== undefined }).toEqual({
        type,
        value,
        api: true,
      });
      expect({ type, value, documented: accepts(VALUE_RULE_SCHEMAS[type]!, value) }).toEqual({
        type,
        value,
        documented: false,
      });
    }
  });
});
