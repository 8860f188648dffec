import type {
  AppInput,
  AppPage,
  AppPause,
  AppPauseMarkers,
  AppRegistryStore,
  AppView,
} from '@wechat-dispatch/core';
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

/** What `/v1/admin/apps/:appId/pause` answers: the app's pause now, or the one just lifted. */
export interface AppPauseAnswer extends Partial<AppPause> {
  appId: string;
  paused: boolean;
}

/**
 * The operator's app registry (`/v1/admin/apps`): create or replace, list, read, enable or
 * disable, delete, and read or lift an app's quota pause. Answers never hold a secret, only
 * whether one is set and when it changed. Without a store (no `APP_SECRETS_KEY`) every call is a
 * 503 naming the variable.
 */
export class AppAdmin {
  constructor(
    private readonly store: AppRegistryStore | undefined,
    private readonly pauses: AppPauseMarkers,
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

  /** The app's quota or token-configuration pause, if any. @throws NotFoundError */
  async pause(appId: string): Promise<AppPauseAnswer> {
    await this.get(appId);
    const pause = await storageCall(() => this.pauses.read(appId));
    return { appId, paused: pause !== undefined, ...pause };
  }

  /**
   * Ends the app's pause now (after WeChat's `clear_quota`, say): every worker then sends the
   * messages it set aside for the pause. Answers the pause it ended (`paused: false` once done).
   * @throws NotFoundError
   */
  async liftPause(appId: string, operator: string): Promise<AppPauseAnswer & { lifted: boolean }> {
    const store = this.required();
    await this.get(appId);
    const lifted = await storageCall(() => this.pauses.lift(appId));
    // Even with no pause left (it ran out, or a lift half done before): the workers look again.
    await storageCall(() => store.touch(appId));
    if (lifted !== undefined) {
      this.logger.info('app pause lifted', { appId, operator, ...lifted });
    }
    return { appId, paused: false, lifted: lifted !== undefined, ...lifted };
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
