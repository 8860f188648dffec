import type { AppInput, AppPage, AppRegistryStore, AppView } from '@wechat-dispatch/core';
import {
  AppError,
  ConflictError,
  ERROR_CODES,
  NotFoundError,
  type Logger,
} from '@wechat-dispatch/shared';
import { storageCall } from './storage-call';

/** 503 while the registry is off: the routes exist, the variable that turns them on is named. */
function registryOff(): AppError {
  return new AppError(
    ERROR_CODES.APP_REGISTRY_OFF,
    503,
    'The app registry is off: set APP_SECRETS_KEY (32 bytes, base64) to manage apps at run time',
  );
}

/**
 * The operator's app registry (`/v1/admin/apps`): create or replace, list, read, enable or
 * disable, delete. Answers never hold a secret, only whether one is set and when it changed.
 * Without a store (no `APP_SECRETS_KEY`) every call is a 503 naming the variable.
 */
export class AppAdmin {
  constructor(
    private readonly store: AppRegistryStore | undefined,
    private readonly logger: Logger,
  ) {}

  /** Creates or replaces an app. @throws AppError 503 without the registry or Redis */
  async put(
    appId: string,
    input: AppInput,
    operator: string,
  ): Promise<{ created: boolean; app: AppView }> {
    const store = this.required();
    const result = await storageCall(() => store.put(appId, input));
    this.logger.info(result.created ? 'app created' : 'app replaced', { appId, operator });
    return result;
  }

  /** A page of apps in appId order. */
  async list(limit: number, cursor?: string): Promise<AppPage> {
    const store = this.required();
    return storageCall(() => store.page(limit, cursor));
  }

  /** One app. @throws NotFoundError */
  async get(appId: string): Promise<AppView> {
    const store = this.required();
    return found(appId, await storageCall(() => store.get(appId)));
  }

  /** Enables or disables an app. @throws NotFoundError */
  async setEnabled(appId: string, enabled: boolean, operator: string): Promise<AppView> {
    const store = this.required();
    const app = found(appId, await storageCall(() => store.setEnabled(appId, enabled)));
    this.logger.info(enabled ? 'app enabled' : 'app disabled', { appId, operator });
    return app;
  }

  /**
   * Deletes an app with nothing queued for it.
   * @throws NotFoundError; ConflictError `app_has_pending_messages` while messages wait for it
   */
  async remove(appId: string, operator: string): Promise<void> {
    const store = this.required();
    const result = await storageCall(() => store.remove(appId));
    if (!result.removed && result.reason === 'not_found') {
      throw new NotFoundError(`No app ${appId}`);
    }
    if (!result.removed) {
      throw new ConflictError(
        `App ${appId} still has ${result.pending} pending messages; disable it and delete it once they are sent`,
        ERROR_CODES.APP_HAS_PENDING_MESSAGES,
      );
    }
    this.logger.info('app deleted', { appId, operator });
  }

  private required(): AppRegistryStore {
    if (this.store === undefined) {
      throw registryOff();
    }
    return this.store;
  }
}

function found(appId: string, app: AppView | undefined): AppView {
  if (app === undefined) {
    throw new NotFoundError(`No app ${appId}`);
  }
  return app;
}
