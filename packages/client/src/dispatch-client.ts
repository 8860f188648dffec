import { randomUUID } from 'node:crypto';
import createClient from 'openapi-fetch';
import type { components, paths } from './generated/openapi';
import { retryingFetch, type RetryOptions } from './retrying-fetch';

type Schemas = components['schemas'];
/** A message body (`POST /v1/messages`). */
export type MessageBody = Schemas['Message'];
/** A delivery record. */
export type DeliveryRecord = Schemas['DeliveryRecord'];
/** The 202 of a send. */
export type Accepted = Schemas['Accepted'];
/** The contract's error body. */
export type ErrorBody = Schemas['Error'];
/** A page of dead letters. */
export type DeadLetterPage = Schemas['DeadLetterPage'];

/** Options of {@link DispatchClient}. */
export interface DispatchClientOptions extends RetryOptions {
  /** The API's base URL, e.g. `https://dispatch.internal`. */
  baseUrl: string;
  /** An API key of API_KEYS. */
  apiKey: string;
}

/** Options of a send. */
export interface SendOptions {
  /** @defaultValue a new UUID: a retry of this call, ours or yours, is never a second message */
  idempotencyKey?: string;
}

/** A refusal of the API: its status and the contract's `{ error }` body. */
export class DispatchError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody | undefined,
  ) {
    super(`${status} ${body?.error.code ?? 'error'}: ${body?.error.message ?? ''}`);
    this.name = 'DispatchError';
  }

  /** The error code (`validation_failed`, `not_found`, …). */
  get code(): string | undefined {
    return this.body?.error.code;
  }
}

/** The data of an answer, or a {@link DispatchError}. */
function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) {
    throw new DispatchError(result.response.status, result.error as ErrorBody | undefined);
  }
  return result.data as T;
}

/**
 * A typed client of the `/v1` API for Node/TypeScript services (types generated from the
 * OpenAPI document). Sends carry an Idempotency-Key (a new one per call unless given); 503 and
 * 429 answers are retried as `Retry-After` says; refusals throw {@link DispatchError}.
 */
export class DispatchClient {
  /** The raw openapi-fetch client, for routes without a method here. */
  readonly raw: ReturnType<typeof createClient<paths>>;

  constructor(options: DispatchClientOptions) {
    this.raw = createClient<paths>({
      baseUrl: options.baseUrl.replace(/\/$/, ''),
      headers: { authorization: `Bearer ${options.apiKey}` },
      fetch: retryingFetch(options),
    });
  }

  /** Enqueues one message; resolves with its id and status (`queued` or `scheduled`). */
  async send(message: MessageBody, options: SendOptions = {}): Promise<Accepted> {
    const key = options.idempotencyKey ?? randomUUID();
    return unwrap(
      await this.raw.POST('/v1/messages', {
        body: message,
        params: { header: { 'idempotency-key': key } },
      }),
    );
  }

  /** Enqueues up to 1000 messages, all or nothing; resolves with their ids in order. */
  async sendBatch(messages: MessageBody[], options: SendOptions = {}): Promise<string[]> {
    const key = options.idempotencyKey ?? randomUUID();
    const accepted = unwrap(
      await this.raw.POST('/v1/messages/batch', {
        body: { messages },
        params: { header: { 'idempotency-key': key } },
      }),
    );
    return accepted.ids;
  }

  /** A message's delivery record. */
  async get(id: string): Promise<DeliveryRecord> {
    return unwrap(await this.raw.GET('/v1/messages/{id}', { params: { path: { id } } }));
  }

  /** Cancels a queued, scheduled or retrying message (409 once a worker has it). */
  async cancel(id: string): Promise<void> {
    unwrap(await this.raw.DELETE('/v1/messages/{id}', { params: { path: { id } } }));
  }

  /** A page of this caller's dead letters, newest first. */
  async deadLetters(
    query: { appId?: string; limit?: number; cursor?: string } = {},
  ): Promise<DeadLetterPage> {
    return unwrap(await this.raw.GET('/v1/dead-letters', { params: { query } }));
  }

  /** Sends a dead message again with a fresh attempt budget. */
  async redrive(id: string): Promise<void> {
    unwrap(await this.raw.POST('/v1/dead-letters/{id}/redrive', { params: { path: { id } } }));
  }
}
