import { describe, expect, it } from '@jest/globals';
import { loadWorkerConfig } from '../src/config';

const KEY = Buffer.alloc(32, 3).toString('base64');

describe('loadWorkerConfig', () => {
  describe('app registry (#16)', () => {
    it('when APP_SECRETS_KEY is set, then WECHAT_APPS may be unset', () => {
      const config = loadWorkerConfig({ APP_SECRETS_KEY: KEY });

      expect(config.apps).toEqual([]);
      expect(config.secretsKeys?.current).toEqual(Buffer.alloc(32, 3));
    });

    it('when neither WECHAT_APPS nor APP_SECRETS_KEY is set, then it fails naming WECHAT_APPS', () => {
      expect(() => loadWorkerConfig({})).toThrow(/config error: WECHAT_APPS: is required/);
    });

    it('when APP_SECRETS_KEY is malformed, then it fails naming the variable', () => {
      expect(() => loadWorkerConfig({ WECHAT_APPS: 'wx1:s', APP_SECRETS_KEY: 'abc' })).toThrow(
        /config error: APP_SECRETS_KEY: must be 32 bytes/,
      );
    });

    it('when only WECHAT_APPS is set, then the apps are read and there is no registry', () => {
      const config = loadWorkerConfig({ WECHAT_APPS: 'wx1:secret-1' });

      expect(config.apps).toEqual([{ appId: 'wx1', appSecret: 'secret-1' }]);
      expect(config.secretsKeys).toBeUndefined();
    });
  });

  describe('the dashboard (#20)', () => {
    it('when SEND_KEEP_COMPLETED_JOBS is unset, then the last 100 completed sends are kept for Bull Board', () => {
      expect(loadWorkerConfig({ WECHAT_APPS: 'wx1:s' }).keepCompletedJobs).toBe(100);
      expect(
        loadWorkerConfig({ WECHAT_APPS: 'wx1:s', SEND_KEEP_COMPLETED_JOBS: '0' }).keepCompletedJobs,
      ).toBe(0);
    });
  });

  describe('callbacks and dead letters (#17)', () => {
    it('when CALLBACK_CALLER_CONCURRENCY is unset or empty, then a caller gets half the callback slots', () => {
      const unset = loadWorkerConfig({ WECHAT_APPS: 'wx1:s', CALLBACK_CONCURRENCY: '8' });
      const empty = loadWorkerConfig({
        WECHAT_APPS: 'wx1:s',
        CALLBACK_CONCURRENCY: '8',
        CALLBACK_CALLER_CONCURRENCY: '',
      });

      expect([unset.callbacks.perCaller, empty.callbacks.perCaller]).toEqual([4, 4]);
      expect(unset.deadLetterSweepSeconds).toBe(300);
    });

    it('when DEAD_LETTER_SWEEP_S is not a number, then it fails naming the variable', () => {
      expect(() =>
        loadWorkerConfig({ WECHAT_APPS: 'wx1:s', DEAD_LETTER_SWEEP_S: 'often' }),
      ).toThrow(/DEAD_LETTER_SWEEP_S/);
    });
  });

  describe('send shards (#16)', () => {
    it('when SEND_SHARDS is unset, then there is one shard; 1..64 are read and 0 or 65 fail naming it', () => {
      expect(loadWorkerConfig({ WECHAT_APPS: 'wx1:s' }).sendShards).toBe(1);
      expect(loadWorkerConfig({ WECHAT_APPS: 'wx1:s', SEND_SHARDS: '64' }).sendShards).toBe(64);
      for (const value of ['0', '65', 'six']) {
        expect(() => loadWorkerConfig({ WECHAT_APPS: 'wx1:s', SEND_SHARDS: value })).toThrow(
          /config error: SEND_SHARDS/,
        );
      }
    });
  });
});
