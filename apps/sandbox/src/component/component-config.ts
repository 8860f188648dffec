import type { SandboxComponent } from './component-platform';

const ENCODING_AES_KEY = /^[A-Za-z0-9]{43}$/;

/**
 * Why a `SANDBOX_COMPONENTS` entry is unusable, or undefined when it is fine: the four
 * credentials as strings (a 43-character key), an http(s) `authEventUrl` and a whole
 * non-negative `ticketIntervalS` when given.
 */
export function componentProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'expected an object';
  }
  const entry = value as Record<string, unknown>;
  for (const field of ['componentAppId', 'componentSecret', 'token', 'encodingAesKey']) {
    if (typeof entry[field] !== 'string' || entry[field] === '') {
      return `${field} must be a non-empty string`;
    }
  }
  if (!ENCODING_AES_KEY.test(entry.encodingAesKey as string)) {
    return 'encodingAesKey must be 43 letters and digits';
  }
  const url = entry.authEventUrl;
  if (url !== undefined && (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url))) {
    return 'authEventUrl must be an http(s) URL';
  }
  const every = entry.ticketIntervalS;
  if (every !== undefined && (!Number.isInteger(every) || (every as number) < 0)) {
    return 'ticketIntervalS must be a whole number of seconds';
  }
  return undefined;
}

/** The `SandboxComponent` fields of a checked entry (unknown fields dropped). */
export function toSandboxComponent(entry: Record<string, unknown>): SandboxComponent {
  return {
    componentAppId: entry.componentAppId as string,
    componentSecret: entry.componentSecret as string,
    token: entry.token as string,
    encodingAesKey: entry.encodingAesKey as string,
    ...(entry.authEventUrl !== undefined ? { authEventUrl: entry.authEventUrl as string } : {}),
    ...(entry.ticketIntervalS !== undefined
      ? { ticketIntervalS: entry.ticketIntervalS as number }
      : {}),
  };
}
