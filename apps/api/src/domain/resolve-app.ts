import type { AppDirectory } from '@wechat-dispatch/core';
import { AppError, ERROR_CODES, NotFoundError, ValidationError } from '@wechat-dispatch/shared';
import { CallerScope } from './caller-scope';

/**
 * The app a message is sent from: the one it names (which must be known, in the caller's scope
 * and enabled), or the only known app of the scope when it names none.
 * @throws ValidationError naming `appId` for an unknown or missing app
 * @throws NotFoundError when the app is outside the caller's scope (as another caller's message)
 * @throws AppError 409 `app_disabled` naming `appId` for a disabled app
 */
export function resolveAppId(
  requested: string | undefined,
  apps: AppDirectory,
  path = 'appId',
  scope: CallerScope = CallerScope.all(),
): string {
  if (requested !== undefined) {
    const app = apps.get(requested);
    if (app === undefined) {
      throw new ValidationError('Unknown appId', [{ path, message: 'is not a configured app' }]);
    }
    if (!scope.mayUse(requested)) {
      throw new NotFoundError(`No app ${requested} for this caller (${path})`);
    }
    if (!app.enabled) {
      throw new AppError(ERROR_CODES.APP_DISABLED, 409, `App ${requested} is disabled`, {
        details: [{ path, message: 'is disabled; its queued messages wait until it is enabled' }],
      });
    }
    return requested;
  }
  const usable = scope.within(apps.list().map((app) => app.appId));
  if (usable.length === 1 && usable[0] !== undefined) {
    return resolveAppId(usable[0], apps, path, scope);
  }
  if (usable.length === 0) {
    throw new NotFoundError(`No app for this caller (${path})`);
  }
  throw new ValidationError('appId is required', [
    { path, message: 'is required when more than one app is configured' },
  ]);
}
