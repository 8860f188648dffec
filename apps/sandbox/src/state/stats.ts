import { OTHER_APIS, SEND_APIS, TOKEN_APIS } from '../types';
import type { OtherApi, SendApi, TokenApi } from '../types';

/** Call counters, as `GET /sandbox/stats` and `handle.stats()` return them. */
export interface SandboxStats {
  /** Token calls per appid per endpoint, failed ones included (`unknown` when no appid matched). */
  tokenCalls: Record<string, Record<TokenApi, number>>;
  /** Send calls per appid per API, failed ones included (`unknown` when the token is unknown). */
  sendCalls: Record<string, Record<SendApi, number>>;
  /** Calls of the other APIs (user info, menu, QR code) per appid, failed ones included. */
  otherCalls: Record<string, Record<OtherApi, number>>;
  /** Answers per errcode over every WeChat route (`"0"` = success); faults included. */
  errcodes: Record<string, number>;
  /** Messages recorded as delivered (deduplicated repeats excluded). */
  deliveries: number;
  /** Deliveries per appid. */
  deliveriesByApp: Record<string, number>;
  /** Template sends answered from the `client_msg_id` dedupe window. */
  deduplicated: number;
  /** Calls that a scripted fault or a rate cap answered. */
  faultsApplied: number;
  /** Event pushes: delivered (2xx answer) and failed (after all retries). */
  events: { delivered: number; failed: number };
}

function emptyStats(): SandboxStats {
  return {
    tokenCalls: {},
    sendCalls: {},
    otherCalls: {},
    errcodes: {},
    deliveries: 0,
    deliveriesByApp: {},
    deduplicated: 0,
    faultsApplied: 0,
    events: { delivered: 0, failed: 0 },
  };
}

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

/** Mutable counters behind {@link SandboxStats}; every method is O(1). */
export class StatsCollector {
  private stats = emptyStats();

  /** Counts one call to a token endpoint. */
  tokenCall(appid: string, api: TokenApi): void {
    const row = (this.stats.tokenCalls[appid] ??= zeroes(TOKEN_APIS));
    row[api] += 1;
  }

  /** Counts one call to a send endpoint. */
  sendCall(appid: string, api: SendApi): void {
    const row = (this.stats.sendCalls[appid] ??= zeroes(SEND_APIS));
    row[api] += 1;
  }

  /** Counts one call to another API. */
  otherCall(appid: string, api: OtherApi): void {
    const row = (this.stats.otherCalls[appid] ??= zeroes(OTHER_APIS));
    row[api] += 1;
  }

  /** Counts one answer by its errcode. */
  answer(errcode: number): void {
    const key = String(errcode);
    this.stats.errcodes[key] = (this.stats.errcodes[key] ?? 0) + 1;
  }

  /** Counts one recorded delivery. */
  delivery(appid: string): void {
    this.stats.deliveries += 1;
    this.stats.deliveriesByApp[appid] = (this.stats.deliveriesByApp[appid] ?? 0) + 1;
  }

  /** Counts one send answered from the dedupe window. */
  deduplicated(): void {
    this.stats.deduplicated += 1;
  }

  /** Counts one call answered by a fault or a rate cap. */
  faultApplied(): void {
    this.stats.faultsApplied += 1;
  }

  /** Counts one event push outcome. */
  event(delivered: boolean): void {
    if (delivered) {
      this.stats.events.delivered += 1;
    } else {
      this.stats.events.failed += 1;
    }
  }

  /** A deep copy, safe to hand out. */
  snapshot(): SandboxStats {
    return structuredClone(this.stats);
  }

  /** Starts every counter from zero. */
  reset(): void {
    this.stats = emptyStats();
  }
}
