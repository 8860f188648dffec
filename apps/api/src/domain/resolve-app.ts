import { NotFoundError, ValidationError } from '@wechat-dispatch/shared';
import { CallerScope } from './caller-scope';

/**
 * The app a message is sent from: the one it names (which must be configured and in the
 * caller's scope), or the only configured app of the scope when it names none.
 * @throws ValidationError naming `appId`
 * @throws NotFoundError when the app is outside the caller's scope (as another caller's message)
 */
export function resolveAppId(
  requested: string | undefined,
  configured: readonly string[],
  path = 'appId',
  scope: CallerScope = CallerScope.all(),
): string {
  if (requested !== undefined) {
    if (!configured.includes(requested)) {
      throw new ValidationError('Unknown appId', [{ path, message: 'is not a configured app' }]);
    }
    if (!scope.mayUse(requested)) {
      throw new NotFoundError(`No app ${requested} for this caller (${path})`);
    }
    return requested;
  }
  const usable = scope.within(configured);
  if (usable.length === 1 && usable[0] !== undefined) {
    return usable[0];
  }
  if (usable.length === 0) {
    throw new NotFoundError(`No app for this caller (${path})`);
  }
  throw new ValidationError('appId is required', [
    { path, message: 'is required when more than one app is configured' },
  ]);
}
