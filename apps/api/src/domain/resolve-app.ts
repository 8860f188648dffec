import type { AppDirectory } from '@wechat-dispatch/core';
import { AppError, ERROR_CODES, ValidationError } from '@wechat-dispatch/shared';

/**
 * The app a message is sent from: the one it names (which must be known and enabled), or the
 * only known app when it names none.
 * @throws ValidationError naming `appId` for an unknown or missing app
 * @throws AppError 409 `app_disabled` naming `appId` for a disabled app
 */
export function resolveAppId(
  requested: string | undefined,
  apps: AppDirectory,
  path = 'appId',
): string {
  if (requested !== undefined) {
    const app = apps.get(requested);
    if (app === undefined) {
      throw new ValidationError('Unknown appId', [{ path, message: 'is not a configured app' }]);
    }
    if (!app.enabled) {
      throw new AppError(ERROR_CODES.APP_DISABLED, 409, `App ${requested} is disabled`, {
        details: [{ path, message: 'is disabled; its queued messages wait until it is enabled' }],
      });
    }
    return requested;
  }
  const all = apps.list();
  if (all.length === 1 && all[0] !== undefined) {
    return resolveAppId(all[0].appId, apps, path);
  }
  throw new ValidationError('appId is required', [
    { path, message: 'is required when more than one app is configured' },
  ]);
}
