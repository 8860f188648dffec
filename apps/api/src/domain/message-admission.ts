import type { ConsentLedger, ConsentSubject, Message, RecordStore } from '@wechat-dispatch/core';
import {
  ConflictError,
  ERROR_CODES,
  SsrfBlockedError,
  ValidationError,
  type ErrorDetail,
  type Logger,
  type SsrfGuard,
} from '@wechat-dispatch/shared';
import type { PreparedMessage } from './message-queue';
import { storageCall } from './storage-call';

/** Which apps need a consent grant for subscribe and bizsend messages. */
export interface ConsentPolicy {
  /**
   * `auto`: apps with an event token (they receive the popup events that make grants);
   * `enforce`: every app; `off`: none.
   */
  mode: 'auto' | 'enforce' | 'off';
  /** Whether the app has an event token. */
  isEventApp: (appId: string) => boolean;
  /** Apps never checked (long-term templates, deployments without events). */
  isExempt: (appId: string) => boolean;
}

/** Dependencies of {@link MessageAdmission}. */
export interface MessageAdmissionDeps {
  consents: ConsentLedger;
  records: Pick<RecordStore, 'get' | 'load' | 'transition'>;
  policy: ConsentPolicy;
  /** Callers with a callback secret (`CALLBACK_SECRETS`). */
  callbackCallers: readonly string[];
  ssrf: SsrfGuard;
  logger: Logger;
}

const CONSENT_TYPES = new Set(['subscribe', 'bizsend']);

/**
 * The checks between validation and enqueue that need state: a callback URL needs a caller
 * secret and must pass the SSRF rules (400), and a subscribe/bizsend message needs an unused
 * consent grant (409 `no_subscription_consent`), reserved atomically so two quick enqueues
 * cannot both pass on one grant.
 */
export class MessageAdmission {
  private readonly callbackCallers: Set<string>;

  constructor(private readonly deps: MessageAdmissionDeps) {
    this.callbackCallers = new Set(deps.callbackCallers);
  }

  /** Whether messages of `appId` need a grant. */
  enforces(appId: string): boolean {
    const { policy } = this.deps;
    if (policy.mode === 'off' || policy.isExempt(appId)) {
      return false;
    }
    return policy.mode === 'enforce' || policy.isEventApp(appId);
  }

  /**
   * Checks every callback URL.
   * @throws ValidationError naming `callbackUrl` (or `messages[i].callbackUrl` in a batch)
   */
  async checkCallbacks(
    messages: readonly Message[],
    caller: string,
    batch: boolean,
  ): Promise<void> {
    const details: ErrorDetail[] = [];
    for (const [i, message] of messages.entries()) {
      if (message.callbackUrl === undefined) {
        continue;
      }
      const path = batch ? `messages[${i}].callbackUrl` : 'callbackUrl';
      if (!this.callbackCallers.has(caller)) {
        details.push({
          path,
          message: `caller ${caller} has no callback secret (CALLBACK_SECRETS)`,
        });
        continue;
      }
      try {
        await this.deps.ssrf.checkUrl(message.callbackUrl, caller);
      } catch (err) {
        if (!(err instanceof SsrfBlockedError)) {
          throw err;
        }
        details.push({ path, message: err.message });
      }
    }
    if (details.length > 0) {
      throw new ValidationError('The callback URL is not allowed', details);
    }
  }

  /**
   * Reserves a grant for each message that needs one, all or nothing, and marks those messages
   * `consentHeld` (so a cancel or a death can give the grant back).
   * @returns a function that gives the reservations back (when the enqueue then fails)
   * @throws ConflictError `no_subscription_consent`
   */
  async reserve(items: readonly PreparedMessage[]): Promise<() => Promise<void>> {
    const needing = items.filter(
      ({ message }) =>
        CONSENT_TYPES.has(message.type) &&
        !message.skipConsentCheck &&
        this.enforces(message.appId),
    );
    const subjects: ConsentSubject[] = needing.map(({ message }) => ({
      appId: message.appId,
      openId: message.toUser,
      templateId: message.templateId,
    }));
    const missing = await storageCall(() => this.deps.consents.reserve(subjects));
    if (missing >= 0) {
      const at = items.length > 1 ? ` (messages[${items.indexOf(needing[missing]!)}])` : '';
      throw new ConflictError(
        `No unused subscription consent for this user and template${at}; the user must accept the subscribe popup first, or send with skipConsentCheck`,
        ERROR_CODES.NO_SUBSCRIPTION_CONSENT,
      );
    }
    needing.forEach((item) => (item.message.consentHeld = true));
    return async () => {
      for (const subject of subjects) {
        await this.deps.consents.apply('release', subject);
      }
    };
  }

  /** Gives back the grant of a cancelled message, if it held one. Best effort. */
  async onCancelled(id: string, traceId?: string): Promise<void> {
    try {
      const stored = await this.deps.records.load(id);
      if (stored?.message.consentHeld) {
        const { appId, toUser, templateId } = stored.message;
        await this.deps.consents.apply('release', { appId, openId: toUser, templateId });
      }
    } catch (err) {
      this.deps.logger.warn('consent of a cancelled message not released', {
        messageId: id,
        traceId,
        err,
      });
    }
  }
}
