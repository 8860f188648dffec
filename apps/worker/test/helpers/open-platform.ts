import { waitFor } from '@wechat-dispatch/testkit';
import { API_KEY, type Stack } from './stack';

/** A component's configuration, as both `WECHAT_COMPONENTS` and the sandbox take it. */
export interface TestComponent {
  componentAppId: string;
  componentSecret: string;
  token: string;
  encodingAesKey: string;
}

const headers = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };

/** `WECHAT_COMPONENTS` for one component. */
export function componentsEnv(c: TestComponent): string {
  return `${c.componentAppId}:${c.componentSecret}:${c.token}:${c.encodingAesKey}`;
}

/** Asks the API for an authorization URL until a ticket has made it ready; its pre_auth_code. */
export async function preAuthCode(stack: Stack, componentAppId: string): Promise<string> {
  const url = await waitFor(
    async () => {
      const res = await fetch(
        `${stack.nextApiUrl()}/v1/admin/components/${componentAppId}/authorize-url`,
        {
          method: 'POST',
          headers,
          body: JSON.stringify({
            redirectUri: `${stack.apiUrl}/wechat/component/${componentAppId}/authorized`,
          }),
        },
      );
      return res.status === 200 ? ((await res.json()) as { url: string }).url : undefined;
    },
    { intervalMs: 500, timeoutMs: 40000, description: 'an authorization URL' },
  );
  return new URL(url).searchParams.get('pre_auth_code')!;
}

/**
 * A merchant confirms on WeChat's page: the sandbox pushes `authorized` (or `updateauthorized`)
 * to the API, which exchanges the code in the background.
 */
export async function authorizeMerchant(
  stack: Stack,
  componentAppId: string,
  appId: string,
): Promise<void> {
  const code = await preAuthCode(stack, componentAppId);
  const out = await stack.sandbox.platform.authorize(componentAppId, code, appId);
  if ('error' in out) {
    throw new Error(out.error);
  }
}

/** The app as the registry's operator route shows it, once it is there. */
export async function registeredApp(
  stack: Stack,
  appId: string,
  accept: (app: Record<string, unknown>) => boolean = () => true,
): Promise<Record<string, unknown>> {
  return waitFor(
    async () => {
      const res = await fetch(`${stack.apiUrl}/v1/admin/apps/${appId}`, { headers });
      const app = res.status === 200 ? ((await res.json()) as Record<string, unknown>) : undefined;
      return app && accept(app) ? app : undefined;
    },
    { intervalMs: 100, timeoutMs: 15000, description: `${appId} in the registry` },
  );
}

/** Runs `task` over `items` with at most `concurrency` at once. */
export async function eachLimited<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++;
        await task(items[i]!, i);
      }
    }),
  );
}
