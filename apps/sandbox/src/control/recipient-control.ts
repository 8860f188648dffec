import { ControlInputError } from './validate-input';
import { OPENID_PATTERN } from '../domain/validate-send';
import { changeEvent, popupEvent } from '../events/wechat-events';
import type { ConsentInfo } from '../state/consent-store';
import type { SandboxState } from '../state/sandbox-state';
import type { UserProfile } from '../state/user-profiles';

/** A user's answer to a subscribe popup, as `POST /sandbox/consents` takes it. */
export interface ConsentInput {
  /** The app; may be omitted when the sandbox knows exactly one. */
  appid?: string;
  touser: string;
  template_id: string;
  /** How many one-time grants to add (the user accepted that many popups). @defaultValue 1 */
  count?: number;
  /** A long-term subscription, never used up. @defaultValue false */
  longTerm?: boolean;
  /** `PopupScene` of the pushed event: 0 mini program, 1 OA H5 page, 2 OA article. @defaultValue 0 */
  scene?: number;
}

/** Control of simulated users: consent grants and profiles. */
export interface RecipientControl {
  /** The user accepts a subscribe popup; pushes `subscribe_msg_popup_event` when a target is set. */
  grantConsent(input: ConsentInput): ConsentInfo;
  /** The user turns the template off; pushes `subscribe_msg_change_event`. False when no grant existed. */
  revokeConsent(input: Omit<ConsentInput, 'count' | 'longTerm' | 'scene'>): boolean;
  /** Unused grants, optionally for one user. */
  consents(touser?: string): ConsentInfo[];
  /** Sets how a user behaves (delivery status, refused templates, following). */
  setUser(profile: UserProfile): UserProfile;
  /** Every user profile. */
  users(): UserProfile[];
}

/**
 * Resolves the app of a control call: the given one when known, else the only app.
 *
 * @throws ControlInputError when it cannot be told
 */
export function resolveAppId(state: SandboxState, appid: string | undefined): string {
  if (appid === undefined) {
    const [only, ...others] = state.apps.keys();
    if (only === undefined || others.length > 0) {
      throw new ControlInputError('appid is required when several apps are configured');
    }
    return only;
  }
  if (!state.apps.has(appid)) {
    throw new ControlInputError(`unknown appid ${appid}`);
  }
  return appid;
}

function checkRecipient(input: { touser?: unknown; template_id?: unknown }): void {
  if (typeof input.touser !== 'string' || !OPENID_PATTERN.test(input.touser)) {
    throw new ControlInputError('touser must be an openid (6-64 of A-Z a-z 0-9 _ -)');
  }
  if (typeof input.template_id !== 'string' || input.template_id === '') {
    throw new ControlInputError('template_id is required');
  }
}

/** Builds the recipient controls over `state`. */
export function createRecipientControl(state: SandboxState): RecipientControl {
  return {
    grantConsent: (input) => {
      checkRecipient(input);
      const appid = resolveAppId(state, input.appid);
      const count = input.count ?? 1;
      if (!Number.isInteger(count) || count < 1) {
        throw new ControlInputError('count must be a positive integer');
      }
      const info = state.consents.grant(
        appid,
        input.touser,
        input.template_id,
        count,
        input.longTerm === true,
      );
      state.events.push(appid, (gh) =>
        popupEvent(gh, input.touser, input.template_id, 'accept', input.scene ?? 0, state.now()),
      );
      return info;
    },
    revokeConsent: (input) => {
      checkRecipient(input);
      const appid = resolveAppId(state, input.appid);
      const existed = state.consents.revoke(appid, input.touser, input.template_id);
      state.events.push(appid, (gh) =>
        changeEvent(gh, input.touser, input.template_id, state.now()),
      );
      return existed;
    },
    consents: (touser) => state.consents.list(touser),
    setUser: (profile) => {
      if (typeof profile.touser !== 'string' || !OPENID_PATTERN.test(profile.touser)) {
        throw new ControlInputError('touser must be an openid (6-64 of A-Z a-z 0-9 _ -)');
      }
      if (profile.appid !== undefined) {
        resolveAppId(state, profile.appid);
      }
      if (profile.deliveryStatus !== undefined && typeof profile.deliveryStatus !== 'string') {
        throw new ControlInputError('deliveryStatus must be a string such as "failed:user block"');
      }
      if (
        profile.refusedTemplates !== undefined &&
        !(
          Array.isArray(profile.refusedTemplates) &&
          profile.refusedTemplates.every((t) => typeof t === 'string')
        )
      ) {
        throw new ControlInputError('refusedTemplates must be an array of template ids');
      }
      if (profile.following !== undefined && typeof profile.following !== 'boolean') {
        throw new ControlInputError('following must be a boolean');
      }
      return state.users.set(profile);
    },
    users: () => state.users.list(),
  };
}
