import { join } from 'node:path';
import { appKeys } from '@wechat-dispatch/core';
import {
  bindPerTurn,
  bindScript,
  luaScript,
  type BoundScript,
  type Keyspace,
  type Logger,
  type RedisClient,
} from '@wechat-dispatch/shared';

const FAILURE = luaScript(join(__dirname, 'breaker-failure.lua'));
const ANSWERED = luaScript(join(__dirname, 'breaker-answered.lua'));

/** How long a run of failures counts without a new one: older failures are forgotten. */
const FAILURE_WINDOW_MS = 60_000;
/** An open breaker that nobody probes (its app went quiet) is forgotten after a day. */
const BREAKER_TTL_MS = 24 * 3600 * 1000;

/** When a breaker opens and how it probes. */
export interface BreakerPolicy {
  /** Different messages failing transiently in a row that open it; 0 = no breaker. */
  failures: number;
  /** Wait before the first probe; doubled after each failed probe. */
  probeMinMs: number;
  /** Longest wait between probes. */
  probeMaxMs: number;
  /** How long a probe may take before another worker may probe (a probe's worker died). */
  probeLeaseMs: number;
}

/** What a transient failure means for its app. */
export type BreakerVerdict =
  | { open: false }
  /** The app's breaker is open: set the message aside for `waitMs` without spending an attempt. */
  | { open: true; waitMs: number };

/** Options of {@link CircuitBreakers}. */
export interface CircuitBreakersOptions {
  redis: RedisClient;
  keyspace: Keyspace;
  logger: Logger;
  policy: BreakerPolicy;
  /** Called by the worker that closed an app's breaker (to release the jobs set aside). */
  onClose?: (appId: string) => void;
  /** Called by the worker that opened (or closed) a breaker, for metrics. */
  onChange?: (appId: string, open: boolean) => void;
}

/**
 * One circuit breaker per app, kept in Redis so every worker shares it. Different messages of
 * one app failing transiently (-1, 5xx, timeouts, resets, bodies that are not JSON) with no
 * answered send in between open it (breaker-failure.lua); while it is open every claim of the
 * app's messages (claim.lua) sets the job aside until the next probe time without spending an
 * attempt, and at that time one claim becomes the probe (SET NX on the probe lock). A failed
 * probe doubles the interval (up to `probeMaxMs`); any answer from WeChat — a success or an
 * errcode that is not transient — closes it (breaker-answered.lua) and the worker that closed it
 * releases the jobs set aside. One message failing alone never opens it: the failures are
 * counted by distinct message (a message about to die opens it when another is failing too).
 */
export class CircuitBreakers {
  private readonly failure: BoundScript;
  private readonly answeredScript: Pick<BoundScript, 'run'>;
  private readonly openSet: string;
  /**
   * Apps with an answered send this event-loop turn: one call per app, and the calls of a turn
   * go to Redis as one script call (`bindPerTurn`), so a worker sending for many apps pays one
   * round trip per turn, not one per app.
   */
  private readonly answeredApps = new Set<string>();

  constructor(private readonly options: CircuitBreakersOptions) {
    this.failure = bindScript(options.redis, FAILURE);
    this.answeredScript = bindPerTurn(options.redis, ANSWERED);
    this.openSet = options.keyspace.key('breakers-open');
  }

  /** Whether breakers are on (`failures` > 0). */
  get enabled(): boolean {
    return this.options.policy.failures > 0;
  }

  /** What a claim passes to read the breaker, or undefined without breakers. */
  get claimOption(): { probeLeaseMs: number } | undefined {
    return this.enabled ? { probeLeaseMs: this.options.policy.probeLeaseMs } : undefined;
  }

  private keys(appId: string): string[] {
    const app = appKeys(this.options.keyspace, appId);
    return [app.breaker, app.breakerProbe, app.breakerFailures, this.openSet];
  }

  /**
   * Records a transient failure of `messageId` (the breaker's probe when `probe`; `last` when
   * the message has no attempt left).
   */
  async failed(
    appId: string,
    messageId: string,
    { probe, last }: { probe: boolean; last: boolean },
  ): Promise<BreakerVerdict> {
    if (!this.enabled) {
      return { open: false };
    }
    const { failures, probeMinMs, probeMaxMs } = this.options.policy;
    const [state, waitMs] = (await this.failure.run(this.keys(appId), [
      appId,
      messageId,
      failures,
      probeMinMs,
      probeMaxMs,
      probe ? 1 : 0,
      FAILURE_WINDOW_MS,
      BREAKER_TTL_MS,
      last ? 1 : 0,
    ])) as [number, number];
    if (state === 0) {
      return { open: false };
    }
    if (state === 2) {
      this.options.logger.warn(
        'circuit breaker opened: sends of the app stop until a probe succeeds',
        {
          appId,
          failedMessages: failures,
          nextProbeMs: waitMs,
        },
      );
      this.options.onChange?.(appId, true);
    } else if (state === 3) {
      this.options.logger.info('circuit breaker probe failed; still open', {
        appId,
        nextProbeMs: waitMs,
      });
    }
    return { open: true, waitMs };
  }

  /**
   * Records that WeChat answered a send of `appId` (not with a transient failure). Coalesced per
   * event-loop turn; the close, when this closes the breaker, is logged and reported.
   */
  answered(appId: string): void {
    if (!this.enabled) {
      return;
    }
    if (this.answeredApps.size === 0) {
      setImmediate(() => this.flush());
    }
    this.answeredApps.add(appId);
  }

  private flush(): void {
    const apps = [...this.answeredApps];
    this.answeredApps.clear();
    for (const appId of apps) {
      this.answeredScript.run(this.keys(appId), [appId]).then(
        (answer) => {
          const [closed, openedAt] = answer as [number, number?];
          if (closed === 1) {
            this.options.logger.warn('circuit breaker closed: the app sends again', {
              appId,
              openMs: openedAt === undefined ? undefined : Date.now() - openedAt,
            });
            this.options.onChange?.(appId, false);
            this.options.onClose?.(appId);
          }
        },
        (err: unknown) =>
          this.options.logger.warn('recording an answered send failed', { appId, err }),
      );
    }
  }

  /** Frees the probe lock of a probe that sent nothing (its message expired or went away). */
  async releaseProbe(appId: string): Promise<void> {
    await this.options.redis.del(appKeys(this.options.keyspace, appId).breakerProbe);
  }

  /** Whether `appId`'s breaker is open now. */
  async isOpen(appId: string): Promise<boolean> {
    return (await this.options.redis.exists(appKeys(this.options.keyspace, appId).breaker)) === 1;
  }

  /** The apps whose breaker is open, sorted (readiness and metrics). */
  async openApps(): Promise<string[]> {
    if (!this.enabled) {
      return [];
    }
    const listed = await this.options.redis.smembers(this.openSet);
    const open: string[] = [];
    for (const appId of listed) {
      // A breaker nobody probed for a day expired; its entry goes too.
      if (await this.isOpen(appId)) {
        open.push(appId);
      } else {
        await this.options.redis.srem(this.openSet, appId);
      }
    }
    return open.sort();
  }
}
