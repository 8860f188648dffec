import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { API_KEY, startStack, templateBody, type Stack } from './helpers/stack';

const APP = { appId: 'wxredrive000000001', appSecret: 'redrive-secret-0001' };
const MESSAGES = 50;
const REDRIVES_EACH = 100;

/**
 * Issue #17 item 3: concurrent redrives of one dead letter used to leave messages `queued` with
 * no job (a losing redrive removed the winner's new job). Real API and worker processes, the
 * sandbox killing every message once with 40003, then 100 concurrent redrives of each of 50.
 */
describe('concurrent redrives (issue #17, item 3)', () => {
  let stack: Stack;
  const headers = { authorization: `Bearer ${API_KEY}` };

  beforeAll(async () => {
    stack = await startStack({ apps: [APP] });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('when each of 50 dead letters is redriven 100 times at once, then each gets one 202 and is sent exactly once', async () => {
    const toUser = (i: number) => `oRedriveRace${String(i).padStart(4, '0')}`;
    const fault = stack.sandbox.addFault({
      match: { api: 'template' },
      times: 'always',
      action: { errcode: 40003 },
    });
    const ids = await stack.postMany(
      Array.from({ length: MESSAGES }, (_, i) => templateBody(toUser(i), APP.appId)),
    );
    await stack.waitForStatus(ids, ['dead']);
    stack.sandbox.removeFault(fault.id);

    // Every redrive of every message in flight at once: 5,000 requests over 500 sockets.
    const statuses = new Map<string, number[]>(ids.map((id) => [id, []]));
    const calls = ids.flatMap((id) => Array.from({ length: REDRIVES_EACH }, () => id));
    let next = 0;
    await Promise.all(
      Array.from({ length: 500 }, async () => {
        while (next < calls.length) {
          const id = calls[next++]!;
          const res = await fetch(`${stack.nextApiUrl()}/v1/dead-letters/${id}/redrive`, {
            method: 'POST',
            headers,
          });
          await res.arrayBuffer();
          statuses.get(id)!.push(res.status);
        }
      }),
    );
    await stack.waitForStatus(ids, ['sent']);
    // A second send is what the sandbox would show: a failed send records nothing there.
    const delivered = stack.sandbox.messages({ appid: APP.appId });

    for (const id of ids) {
      const answers = statuses.get(id)!;
      expect(answers.filter((s) => s === 202)).toHaveLength(1);
      expect(answers.filter((s) => s === 409)).toHaveLength(REDRIVES_EACH - 1);
    }
    const perUser = new Map<string, number>();
    for (const m of delivered) {
      perUser.set(m.touser, (perUser.get(m.touser) ?? 0) + 1);
    }
    expect(perUser.size).toBe(MESSAGES);
    expect([...perUser.values()].every((n) => n === 1)).toBe(true);
  });
});
