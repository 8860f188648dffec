import { AppError, ERROR_CODES, NotFoundError, type Logger } from '@wechat-dispatch/shared';
import type { ComponentInput, ComponentStore, ComponentView } from '@wechat-dispatch/core';
import type { OpenPlatform } from './open-platform';

/** 503 while the Open Platform is off (no APP_SECRETS_KEY: nowhere to seal its secrets). */
export function componentsOff(): AppError {
  return new AppError(
    ERROR_CODES.APP_REGISTRY_OFF,
    503,
    'The Open Platform needs the app registry: set APP_SECRETS_KEY',
  );
}

/** The operator side of components: configure one, read it, ask for an authorization URL. */
export class ComponentAdmin {
  constructor(
    private readonly deps:
      { store: ComponentStore; platform: OpenPlatform; logger: Logger } | undefined,
  ) {}

  async put(
    componentAppId: string,
    input: ComponentInput,
  ): Promise<{ created: boolean; component: ComponentView }> {
    const { store, logger } = this.on();
    const created = await store.put(componentAppId, input);
    logger.info('component configured', { componentAppId, created });
    return { created, component: (await store.view(componentAppId))! };
  }

  async get(componentAppId: string): Promise<ComponentView> {
    const view = await this.on().store.view(componentAppId);
    if (view === undefined) {
      throw new NotFoundError(`No component ${componentAppId} is configured`);
    }
    return view;
  }

  authorizeUrl(
    componentAppId: string,
    redirectUri: string,
    authType?: number,
  ): Promise<{ url: string; expiresIn: number }> {
    const { platform } = this.on();
    return platform.viaWeChat(() => platform.authorizeUrl(componentAppId, redirectUri, authType));
  }

  private on(): { store: ComponentStore; platform: OpenPlatform; logger: Logger } {
    if (this.deps === undefined) {
      throw componentsOff();
    }
    return this.deps;
  }
}
