export {
  DispatchClient,
  DispatchError,
  type DispatchClientOptions,
  type SendOptions,
  type MessageBody,
  type DeliveryRecord,
  type Accepted,
  type ErrorBody,
  type DeadLetterPage,
} from './dispatch-client';
export { retryingFetch, retryAfterMs, type RetryOptions } from './retrying-fetch';
export {
  verifyCallbackSignature,
  CALLBACK_SIGNATURE_HEADER,
  type VerifyOptions,
} from './callback-signature';
export type { paths, components, operations } from './generated/openapi';
