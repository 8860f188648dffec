import { ValidationError } from '@wechat-dispatch/shared';

/**
 * The app a message is sent from: the one it names (which must be configured), or the only
 * configured app when it names none.
 * @throws ValidationError naming `appId`
 */
export function resolveAppId(
  requested: string | undefined,
  configured: readonly string[],
  path = 'appId',
): string {
  if (requested !== undefined) {
    if (!configured.includes(requested)) {
      throw new ValidationError('Unknown appId', [{ path, message: 'is not a configured app' }]);
    }
    return requested;
  }
  if (configured.length === 1 && configured[0] !== undefined) {
    return configured[0];
  }
  throw new ValidationError('appId is required', [
    { path, message: 'is required when more than one app is configured' },
  ]);
}
