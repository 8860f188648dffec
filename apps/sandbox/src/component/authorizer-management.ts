import type { ComponentPlatform } from './component-platform';

/** The options `api_get_authorizer_option` / `api_set_authorizer_option` know, with their values. */
const OPTION_VALUES: Readonly<Record<string, readonly string[]>> = {
  location_report: ['0', '1', '2'],
  voice_recognize: ['0', '1'],
  customer_service: ['0', '1'],
};

/** `api_get_authorizer_list` pages hold at most this many accounts. */
const LIST_MAX = 500;

const NOT_AUTHORIZED = { errcode: 61003, errmsg: 'component is not authorized by this account' };
const INVALID_ARGS = { errcode: 40097, errmsg: 'invalid args' };

type Answer = Record<string, unknown>;

function whole(value: unknown): number | undefined {
  return Number.isInteger(value) && (value as number) >= 0 ? (value as number) : undefined;
}

/**
 * The component endpoints about authorized accounts that a platform calls besides the token
 * ones: the list of authorized accounts and the authorizers' options (location report, voice
 * recognition, customer service), each option starting at `0`.
 */
export class AuthorizerManagement {
  private readonly options = new Map<string, string>();

  constructor(private readonly platform: ComponentPlatform) {}

  /** `api_get_authorizer_list` `{ component_appid, offset, count }`. */
  list(accessToken: string | undefined, body: Answer): Answer {
    const id = this.platform.componentOf(accessToken);
    if (typeof id !== 'string') {
      return id;
    }
    const offset = whole(body.offset);
    const count = whole(body.count);
    if (offset === undefined || count === undefined) {
      return INVALID_ARGS;
    }
    if (count > LIST_MAX) {
      return { errcode: 40170, errmsg: 'args count exceed count limit' };
    }
    const all = this.platform.authorizedAccounts(id);
    return { total_count: all.length, list: all.slice(offset, offset + count) };
  }

  /** `api_get_authorizer_option` `{ component_appid, authorizer_appid, option_name }`. */
  getOption(accessToken: string | undefined, body: Answer): Answer {
    const target = this.target(accessToken, body);
    if (typeof target !== 'string') {
      return target;
    }
    const name = String(body.option_name);
    return {
      authorizer_appid: String(body.authorizer_appid),
      option_name: name,
      option_value: this.options.get(`${target}:${name}`) ?? '0',
    };
  }

  /** `api_set_authorizer_option` `{ …, option_name, option_value }`. */
  setOption(accessToken: string | undefined, body: Answer): Answer {
    const target = this.target(accessToken, body);
    if (typeof target !== 'string') {
      return target;
    }
    const name = String(body.option_name);
    const value = String(body.option_value);
    if (!OPTION_VALUES[name]?.includes(value)) {
      return INVALID_ARGS;
    }
    this.options.set(`${target}:${name}`, value);
    return { errcode: 0, errmsg: 'ok' };
  }

  /** `<component>:<authorizer>` of an authorized account with a known option, or the refusal. */
  private target(accessToken: string | undefined, body: Answer): string | Answer {
    const id = this.platform.componentOf(accessToken);
    if (typeof id !== 'string') {
      return id;
    }
    const authorizer = String(body.authorizer_appid);
    if (!this.platform.authorizedAccounts(id).some((a) => a.authorizer_appid === authorizer)) {
      return NOT_AUTHORIZED;
    }
    return OPTION_VALUES[String(body.option_name)] ? `${id}:${authorizer}` : INVALID_ARGS;
  }
}
