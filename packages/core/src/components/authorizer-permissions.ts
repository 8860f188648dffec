import type { AppKind } from '../apps/app-directory';

/**
 * The permission set (权限集, `func_info` id) an official account must grant for template
 * messages: 群发与通知权限 (mass sending and notifications).
 */
export const NOTIFICATION_FUNC_SCOPE = 7;

/**
 * Whether the permission sets an authorizer granted let the platform send its messages.
 * Only official accounts are checked (template messages need {@link NOTIFICATION_FUNC_SCOPE});
 * a mini program's subscribe messages are not tied to one documented set, and an answer
 * without `func_info` tells nothing, so both count as allowed.
 */
export function mayDeliverMessages(
  kind: AppKind | undefined,
  funcScopes: readonly number[],
): boolean {
  if (kind !== 'official_account' || funcScopes.length === 0) {
    return true;
  }
  return funcScopes.includes(NOTIFICATION_FUNC_SCOPE);
}
