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
}

/** The keys of `appId`'s backlog, pause and held jobs. */
export function appKeys(keyspace: Keyspace, appId: string): AppKeys {
  return {
    pending: keyspace.key('app', appId, 'pending'),
    rank: keyspace.key('app', appId, 'rank'),
    pause: keyspace.key('pause', appId),
    held: keyspace.key('app', appId, 'held'),
  };
}
