import {
  ERROR_CODES,
  AppError,
  NotFoundError,
  ValidationError,
  type EventTokenEntry,
  type Logger,
} from '@wechat-dispatch/shared';
import type { AppCredentials, WeChatEvent } from '@wechat-dispatch/core';
import { parseWeChatEvent, readPushBody } from './parse-wechat-event';
import { pushBodyDigest, tupleTtlSeconds, type PushTuples } from './push-replay';
import { storageCall } from './storage-call';
import { decryptPush, pushSignature, sameSignature } from './wechat-push-crypto';

/** The query WeChat adds to every push (and to the URL-verification GET). */
export interface PushQuery {
  signature?: string;
  timestamp?: string;
  nonce?: string;
  echostr?: string;
  encrypt_type?: string;
  msg_signature?: string;
}

/**
 * Push credentials given with the push (an Open Platform authorizer: the component's token and
 * key, and the component's appid at the end of the ciphertext).
 */
export interface PushCredentials {
  token: string;
  encodingAESKey?: string;
  /** The appid the push is encrypted for. @defaultValue the app's own */
  encryptedFor?: string;
}

type PushEntry = EventTokenEntry & { encryptedFor?: string };

/** Where verified events go: dedupe and the `wechat-events` queue (infra). */
export interface EventInbox {
  /** Queues the event unless it was seen before. @returns false for a duplicate */
  accept(appId: string, event: WeChatEvent, traceId: string): Promise<boolean>;
}

/** Dependencies of {@link EventReceiver}. */
export interface EventReceiverDeps {
  /** Each app's push token and key, read at each push (WECHAT_EVENT_TOKENS or the registry). */
  credentials: Pick<AppCredentials, 'eventCredentialsOf'>;
  inbox: EventInbox;
  /** Signed tuples of plain-mode pushes, single-use; without it they are not tracked. */
  tuples?: PushTuples;
  logger: Logger;
  /** Pushes whose timestamp is further than this from now are refused. @defaultValue 300 */
  maxAgeSeconds?: number;
  now?: () => Date;
}

/** 401 for a push that is not provably WeChat's: nothing is recorded. */
function rejected(message: string): AppError {
  return new AppError(ERROR_CODES.INVALID_SIGNATURE, 401, message);
}

/**
 * WeChat's event pushes for one app (wechat-facts §7): URL verification, the SHA-1 signature
 * over token/timestamp/nonce, freshness, safe-mode decryption (with `msg_signature` over the
 * ciphertext and the trailing appid checked), then XML or JSON parsing. Verified events go to
 * the inbox; the work happens on the worker, so WeChat gets `success` in milliseconds.
 */
export class EventReceiver {
  private readonly maxAgeSeconds: number;
  private readonly now: () => Date;

  constructor(private readonly deps: EventReceiverDeps) {
    this.maxAgeSeconds = deps.maxAgeSeconds ?? 300;
    this.now = deps.now ?? (() => new Date());
  }

  /** Whether the app has an event token (these enforce consent by default). */
  receivesPushes(appId: string): boolean {
    return this.deps.credentials.eventCredentialsOf(appId) !== undefined;
  }

  /**
   * URL verification: answers `echostr` when the signature is the app's.
   * @throws NotFoundError for an app without an event token; AppError 401 for a bad signature
   */
  verifyUrl(appId: string, query: PushQuery): string {
    this.checkSignature(this.entryOf(appId), query);
    if (query.echostr === undefined) {
      throw new ValidationError('echostr is required');
    }
    return query.echostr;
  }

  /**
   * Verifies, decrypts, parses and queues one push.
   * @returns whether it was new (false: a repeat, ignored)
   * @throws NotFoundError, AppError 401 (signature, timestamp, appid), ValidationError (body)
   */
  async receive(
    appId: string,
    query: PushQuery,
    body: string,
    traceId: string,
    credentials?: PushCredentials,
  ): Promise<boolean> {
    const entry = credentials ? { appId, ...credentials } : this.entryOf(appId);
    this.checkSignature(entry, query);
    const event = this.readEvent(entry, query, body);
    const tuple = entry.encodingAESKey ? undefined : this.tupleOf(query);
    if (tuple && !(await this.claimTuple(appId, tuple, body))) {
      this.deps.logger.info('repeated wechat push ignored', { traceId, appId });
      return false;
    }
    const fresh = await storageCall(() => this.deps.inbox.accept(appId, event, traceId)).catch(
      async (err: unknown) => {
        if (tuple) {
          await this.deps.tuples?.release(appId, tuple).catch(() => undefined);
        }
        throw err;
      },
    );
    this.deps.logger.info(fresh ? 'wechat event queued' : 'repeated wechat event ignored', {
      traceId,
      appId,
      event: event.Event,
    });
    return fresh;
  }

  private tupleOf(query: PushQuery): string[] | undefined {
    const { signature = '', timestamp = '', nonce = '' } = query;
    return this.deps.tuples ? [signature, timestamp, nonce] : undefined;
  }

  /**
   * A plain-mode signature covers the query, not the body, so its tuple is single-use within
   * the freshness window: the same tuple with the same body is WeChat retrying (answered
   * `success`, not queued again); with another body it is a replay (401, as a bad signature).
   * @returns whether the push is new
   */
  private async claimTuple(appId: string, tuple: string[], body: string): Promise<boolean> {
    const claim = await storageCall(() =>
      this.deps.tuples!.claim(
        appId,
        tuple,
        pushBodyDigest(body),
        tupleTtlSeconds(this.maxAgeSeconds),
      ),
    );
    if (claim === 'other_body') {
      throw rejected('The signature was already used for another push');
    }
    return claim === 'first';
  }

  private entryOf(appId: string): EventTokenEntry {
    const credentials = this.deps.credentials.eventCredentialsOf(appId);
    if (!credentials) {
      throw new NotFoundError(`No event token is configured for app ${appId}`);
    }
    return { appId, ...credentials };
  }

  private checkSignature(entry: PushEntry, query: PushQuery): void {
    const { signature, timestamp = '', nonce = '' } = query;
    if (!sameSignature(pushSignature(entry.token, timestamp, nonce), signature)) {
      throw rejected('The signature does not match the app token');
    }
    const age = Math.abs(this.now().getTime() / 1000 - Number(timestamp));
    if (!Number.isFinite(age) || age > this.maxAgeSeconds) {
      throw rejected('The timestamp is stale');
    }
  }

  private readEvent(entry: PushEntry, query: PushQuery, body: string): WeChatEvent {
    let plain = body;
    try {
      const envelope = readPushBody(body);
      const encrypt = typeof envelope.Encrypt === 'string' ? envelope.Encrypt.trim() : undefined;
      if (entry.encodingAESKey) {
        // With a key configured only encrypted pushes count: a plain body is not covered by
        // the signature, so accepting one would let a replayed signature carry any body.
        if (!encrypt) {
          throw rejected('This app expects encrypted (safe or compatible mode) pushes');
        }
        const { timestamp = '', nonce = '' } = query;
        const expected = pushSignature(entry.token, timestamp, nonce, encrypt);
        if (!sameSignature(expected, query.msg_signature)) {
          throw rejected('The msg_signature does not match');
        }
        const decrypted = decryptPush(encrypt, entry.encodingAESKey);
        if (decrypted.appId !== (entry.encryptedFor ?? entry.appId)) {
          throw rejected('The push was encrypted for another app');
        }
        plain = decrypted.message;
      }
      return parseWeChatEvent(plain);
    } catch (err) {
      if (err instanceof AppError) {
        throw err;
      }
      throw new ValidationError('The push body is not a WeChat event');
    }
  }
}
