import type { z } from 'zod';
import type { ErrorDetail } from '@wechat-dispatch/shared';

/** `['messages', 3, 'data', 'thing1', 'value']` → `messages[3].data.thing1.value`. */
function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((out, part) => {
    if (typeof part === 'number') {
      return `${out}[${part}]`;
    }
    const name = String(part);
    return out.length === 0 ? name : `${out}.${name}`;
  }, '');
}

/** zod issues as the contract's `details`, with the path of each bad field. */
export function issuesToDetails(error: z.ZodError, prefix: PropertyKey[] = []): ErrorDetail[] {
  return error.issues.map((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const path = formatPath([...prefix, ...issue.path]);
    if (keys.length > 0) {
      return {
        path: formatPath([...prefix, ...issue.path, keys[0] ?? '']),
        message: `unknown field (${keys.join(', ')})`,
      };
    }
    return { path: path || '(body)', message: issue.message };
  });
}
