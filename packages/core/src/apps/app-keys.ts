import type { Keyspace } from '@wechat-dispatch/shared';

/** The Redis keys of one app's state outside its records, under the service's hash tag. */
export interface AppKeys {
  /** How many of its messages are not final yet (an integer; absent = 0). */
  pending: string;
  /** The send priority of its newest queued message (see includes/app-backlog.lua). */
  rank: string;
  /** Present (with a TTL) while the app is paused by a quota or token-config error. */
  pause: string;
  /** Ids of send jobs set aside while the app is disabled or unknown, promoted on enable. */
  held: string;
  /** Present while the app's circuit breaker is open: a hash (probeAt, intervalMs, openedAt). */
  breaker: string;
  /** Taken (SET NX with a lease) by the one probe send of an open breaker. */
  breakerProbe: string;
  /** Ids of distinct messages that failed transiently since the app's last answered send. */
  breakerFailures: string;
}

/** The keys of `appId`'s backlog, pause, held jobs and circuit breaker. */
export function appKeys(keyspace: Keyspace, appId: string): AppKeys {
  return {
    pending: keyspace.key('app', appId, 'pending'),
    rank: keyspace.key('app', appId, 'rank'),
    pause: keyspace.key('pause', appId),
    held: keyspace.key('app', appId, 'held'),
    breaker: keyspace.key('breaker', appId),
    breakerProbe: keyspace.key('breaker', appId, 'probe'),
    breakerFailures: keyspace.key('breaker', appId, 'failures'),
  };
}
