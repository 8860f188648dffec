import type { WeChatApi } from '../types';

/** Which calls a fault applies to; every given field must match. */
export interface FaultMatch {
  /** One API or several; absent = every WeChat route (tokens included). */
  api?: WeChatApi | WeChatApi[];
  /** The caller's appid (from the token, or the `appid` of a token request). */
  appid?: string;
  /** The recipient openid of a send. */
  touser?: string;
}

/**
 * What a matching call gets. Fields combine: `delayMs` then the rest. Without `errcode`,
 * `httpStatus`, `body`, `hang` or `reset` the call is processed normally (delayed, or with
 * another Content-Type).
 */
export interface FaultAction {
  /** Answer this errcode (HTTP 200 unless `httpStatus`). */
  errcode?: number;
  /** errmsg of `errcode`. @defaultValue WeChat's text for the code */
  errmsg?: string;
  /** Answer with this HTTP status (an HTML error page unless `errcode` or `body`). */
  httpStatus?: number;
  /** Extra delay before answering, milliseconds. */
  delayMs?: number;
  /** Never answer: the connection stays open until the client gives up. */
  hang?: boolean;
  /** Reset the TCP connection (the client sees ECONNRESET). */
  reset?: boolean;
  /** Answer exactly this raw body (e.g. non-JSON or an empty string). */
  body?: string;
  /** Content-Type of the answer, e.g. `text/plain` (WeChat sometimes labels JSON so). */
  contentType?: string;
  /**
   * Process the call normally first (the message is recorded, the grant used), then apply the
   * fault to the answer: the "sent, but the answer was lost" case. @defaultValue false
   */
  deliver?: boolean;
}

/** A fault to add. */
export interface FaultSpec {
  match?: FaultMatch;
  /** How many matching calls it applies to, or `'always'`. @defaultValue 1 */
  times?: number | 'always';
  action: FaultAction;
}

/** A fault as stored and listed. */
export interface FaultInfo {
  id: number;
  match: FaultMatch;
  action: FaultAction;
  /** Matching calls it still applies to. */
  remaining: number | 'always';
  /** Calls it has answered so far. */
  applied: number;
}

/** The call a fault is matched against. */
export interface FaultCall {
  api: WeChatApi;
  appid: string | undefined;
  touser: string | undefined;
}

function matches(m: FaultMatch, call: FaultCall): boolean {
  const apis = m.api === undefined ? undefined : Array.isArray(m.api) ? m.api : [m.api];
  return (
    (apis === undefined || apis.includes(call.api)) &&
    (m.appid === undefined || m.appid === call.appid) &&
    (m.touser === undefined || m.touser === call.touser)
  );
}

/**
 * Scripted faults. The oldest matching fault wins and is used up call by call, so a test can
 * script an exact sequence ("fail twice with -1, then succeed").
 */
export class FaultStore {
  private faults: FaultInfo[] = [];
  private nextId = 1;

  /** Adds a fault; it applies after the ones added before it are used up. */
  add(spec: FaultSpec): FaultInfo {
    const info: FaultInfo = {
      id: this.nextId++,
      match: structuredClone(spec.match ?? {}),
      action: { ...spec.action },
      remaining: spec.times ?? 1,
      applied: 0,
    };
    this.faults.push(info);
    return structuredClone(info);
  }

  /** The fault that answers this call, if any; uses one of its times. */
  take(call: FaultCall): FaultInfo | undefined {
    const index = this.faults.findIndex((f) => matches(f.match, call));
    const fault = this.faults[index];
    if (!fault) {
      return undefined;
    }
    fault.applied += 1;
    if (fault.remaining !== 'always') {
      fault.remaining -= 1;
      if (fault.remaining <= 0) {
        this.faults.splice(index, 1);
      }
    }
    return fault;
  }

  /** Faults still active. */
  list(): FaultInfo[] {
    return structuredClone(this.faults);
  }

  /** Removes one fault; false when unknown. */
  remove(id: number): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length < before;
  }

  /** Removes every fault. */
  clear(): void {
    this.faults = [];
  }
}
