import { eventToJson, eventToXml } from './push-event';
import { originalIdOf } from './wechat-events';
import { signPush } from './sign-push';
import type { EventTarget } from './event-target';
import type { PushEvent } from './push-event';
import type { SandboxLogger } from '../logger';
import type { SandboxSettings } from '../settings';
import type { StatsCollector } from '../state/stats';

/** One push, as `GET /sandbox/events` lists it. */
export interface PushedEvent {
  id: number;
  appid: string;
  event: string;
  touser: string;
  /** The msgid the event reports, for send results. */
  msgid?: string;
  /** Where it went (without the query). */
  url: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  /** HTTP status of the last attempt. */
  httpStatus?: number;
  /** Network error of the last attempt. */
  error?: string;
  /** The plaintext body (before encryption). */
  body: string;
  /** When it was scheduled (ISO 8601). */
  at: string;
}

/** WeChat gives up after three attempts of five seconds each. */
const ATTEMPTS = 3;
const TIMEOUT_MS = 5_000;
const LOG_SIZE = 1_000;

/**
 * Pushes events to each app's configured server asynchronously, signed (and encrypted) as
 * WeChat does, retrying like WeChat, and keeps a bounded log of what it pushed.
 */
export class EventDispatcher {
  private readonly targets = new Map<string, EventTarget>();
  private log: PushedEvent[] = [];
  private nextId = 1;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  private pending = 0;
  private waiters: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly now: () => number,
    private readonly settings: SandboxSettings,
    private readonly stats: StatsCollector,
    private readonly logger: SandboxLogger,
  ) {}

  /** Sets or (with null) removes an app's target. */
  setTarget(appid: string, target: EventTarget | null): void {
    if (target) {
      this.targets.set(appid, { ...target });
    } else {
      this.targets.delete(appid);
    }
  }

  /** Every configured target, by appid. */
  listTargets(): Record<string, EventTarget> {
    return Object.fromEntries([...this.targets].map(([k, v]) => [k, { ...v }]));
  }

  /**
   * Schedules an event for `appid` after the configured delay; does nothing without a target.
   *
   * @param build - makes the event given the account's original id
   */
  push(
    appid: string,
    build: (toUserName: string) => PushEvent,
    msgid?: string,
  ): PushedEvent | undefined {
    const target = this.targets.get(appid);
    if (!target || this.closed) {
      return undefined;
    }
    const event = build(target.originalId ?? originalIdOf(appid));
    const format = target.format ?? 'xml';
    const entry: PushedEvent = {
      id: this.nextId++,
      appid,
      event: event.Event,
      touser: event.FromUserName,
      ...(msgid !== undefined ? { msgid } : {}),
      url: target.url.split('?')[0] ?? target.url,
      status: 'pending',
      attempts: 0,
      body: format === 'xml' ? eventToXml(event) : eventToJson(event),
      at: new Date(this.now()).toISOString(),
    };
    this.log.push(entry);
    if (this.log.length > LOG_SIZE * 2) {
      this.log = this.log.slice(-LOG_SIZE);
    }
    this.pending += 1;
    this.later(() => this.attempt(appid, target, entry), this.settings.eventDelayMs);
    return entry;
  }

  /** Pushed events, newest first. */
  list(): PushedEvent[] {
    return this.log
      .slice(-LOG_SIZE)
      .reverse()
      .map((e) => ({ ...e }));
  }

  /** Resolves once every scheduled push has been delivered or has failed. */
  idle(): Promise<void> {
    return this.pending === 0
      ? Promise.resolve()
      : new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Forgets the log and targets; pushes already scheduled still run. */
  reset(): void {
    this.log = [];
    this.targets.clear();
  }

  /** Cancels scheduled and in-flight pushes. */
  close(): void {
    this.closed = true;
    for (const t of this.timers) {
      clearTimeout(t);
    }
    this.timers.clear();
    for (const c of this.inFlight) {
      c.abort();
    }
    this.pending = 0;
    this.settle();
  }

  private later(fn: () => Promise<void>, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn().catch((err: unknown) => this.logger.error('event push crashed', { err: String(err) }));
    }, ms);
    this.timers.add(timer);
  }

  private async attempt(appid: string, target: EventTarget, entry: PushedEvent): Promise<void> {
    entry.attempts += 1;
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timeout = setTimeout(() => controller.abort(), TIMEOUT_MS);
    try {
      const { url, body, contentType } = signPush(
        appid,
        target,
        entry.body,
        entry.touser,
        this.now(),
      );
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body,
        signal: controller.signal,
      });
      await res.text();
      entry.httpStatus = res.status;
      delete entry.error;
      if (res.ok) {
        this.finish(entry, 'delivered');
        return;
      }
    } catch (err) {
      entry.error = err instanceof Error ? err.message : String(err);
    } finally {
      clearTimeout(timeout);
      this.inFlight.delete(controller);
    }
    if (this.closed) {
      return;
    }
    if (entry.attempts < ATTEMPTS) {
      this.later(() => this.attempt(appid, target, entry), this.settings.eventDelayMs);
    } else {
      this.logger.warn('event push failed', {
        appid,
        event: entry.event,
        attempts: entry.attempts,
      });
      this.finish(entry, 'failed');
    }
  }

  private finish(entry: PushedEvent, status: 'delivered' | 'failed'): void {
    entry.status = status;
    this.stats.event(status === 'delivered');
    this.pending = Math.max(0, this.pending - 1);
    this.settle();
  }

  private settle(): void {
    if (this.pending === 0) {
      const waiters = this.waiters;
      this.waiters = [];
      waiters.forEach((w) => w());
    }
  }
}
