import { describe, expect, it } from '@jest/globals';
import {
  OPENID_PATTERN,
  VALUE_TYPES,
  checkValue,
  validateData,
  valueTypeOf,
} from '@wechat-dispatch/sandbox';
import { MESSAGE_TYPES, messageSchema, type MessageType } from '../src/messages/message.schema';
import { checkDataValue, isTypedKey } from '../src/messages/value-rules';
import { OPENID_CASES, TYPED_KEYS, UNTYPED_KEYS, VALUE_CASES } from './helpers/value-cases';
import type { Verdict } from './helpers/value-cases';

/*
 * The API refuses with 400 what WeChat would refuse with 47003, and the sandbox answers 47003
 * as WeChat does. The two rule sets are written apart on purpose (the sandbox imports nothing
 * of ours), so this holds both to one table. Historical keys are not in it: there the API is
 * stricter on purpose (it refuses line breaks that WeChat would silently cut).
 */

function coreVerdict(key: string, value: string): Verdict {
  const reason = checkDataValue(key, value);
  return reason === undefined ? 'ok' : reason === 'must not be empty' ? 'empty' : 'invalid';
}

function sandboxVerdict(key: string, value: string): Verdict {
  const type = valueTypeOf(key);
  if (type === undefined) {
    throw new Error(`${key} is no typed key to the sandbox`);
  }
  const problem = checkValue(type, value);
  return problem === undefined ? 'ok' : problem === 'is empty' ? 'empty' : 'invalid';
}

/** Whether core's schema takes a message of `type` with this recipient and data. */
function coreAccepts(type: MessageType, toUser: string, data: Record<string, string>): boolean {
  return messageSchema.safeParse({ type, toUser, templateId: 'TPL1', data }).success;
}

describe('value rules', () => {
  describe('which keys are typed', () => {
    it.each(TYPED_KEYS)('when the key is %s, then both check it by its type', (key) => {
      expect({ core: isTypedKey(key), sandbox: valueTypeOf(key) !== undefined }).toEqual({
        core: true,
        sandbox: true,
      });
    });

    it.each(UNTYPED_KEYS)('when the key is %s, then neither checks it by type', (key) => {
      expect({ core: isTypedKey(key), sandbox: valueTypeOf(key) }).toEqual({
        core: false,
        sandbox: undefined,
      });
    });

    it.each(VALUE_TYPES)('when the type is %s, then the service knows it too', (type) => {
      expect(isTypedKey(`${type}1`)).toBe(true);
    });
  });

  describe('core and the sandbox', () => {
    it('when the table is read, then every type has accepted, refused and blank cases', () => {
      const seen = (verdict: Verdict) =>
        new Set(VALUE_CASES.filter(([, , v]) => v === verdict).map(([k]) => valueTypeOf(k)));

      expect(seen('ok')).toEqual(new Set(VALUE_TYPES));
      expect(seen('invalid')).toEqual(new Set(VALUE_TYPES));
      expect(seen('empty')).toEqual(new Set(VALUE_TYPES.filter((t) => t !== 'const')));
    });

    it.each(VALUE_CASES)('when %s is %j, then both answer %s', (key, value, verdict) => {
      const verdicts = { core: coreVerdict(key, value), sandbox: sandboxVerdict(key, value) };

      expect(verdicts).toEqual({ core: verdict, sandbox: verdict });
    });
  });

  describe('what a send must carry', () => {
    it.each(OPENID_CASES)('when toUser is %j, then both answer %s', (openid, verdict) => {
      const verdicts = {
        core: coreAccepts('template', openid, { thing1: 'ok' }) ? 'ok' : 'invalid',
        sandbox: OPENID_PATTERN.test(openid) ? 'ok' : 'invalid',
      };

      expect(verdicts).toEqual({ core: verdict, sandbox: verdict });
    });

    const untypedSends = MESSAGE_TYPES.flatMap((type) =>
      UNTYPED_KEYS.map((key) => [type, key] as const),
    );

    it.each(untypedSends)(
      'when a %s message has the untyped key %s, then both accept it only for templates',
      (type, key) => {
        const verdicts = {
          core: coreAccepts(type, 'oUser0001', { [key]: 'a value' }),
          sandbox: validateData(type, { [key]: { value: 'a value' } }) === undefined,
        };

        expect(verdicts).toEqual({ core: type === 'template', sandbox: type === 'template' });
      },
    );
  });
});
