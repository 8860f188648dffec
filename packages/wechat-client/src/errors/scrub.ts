import { REDACTED, secretRedactor } from '@wechat-dispatch/shared';

/** Longest errmsg kept; WeChat's are under 200 characters, a proxy's HTML page is not. */
const MAX_TEXT_LENGTH = 512;

/**
 * Removes the given secrets, every secret the process-wide redactor knows and any
 * `access_token=`/`secret=` query value from a text that came from the network, then caps its
 * length. Used on everything WeChat (or a proxy in front of it) says before it enters an error.
 */
export function scrubText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length > 0 && out.includes(secret)) {
      out = out.split(secret).join(REDACTED);
    }
  }
  out = secretRedactor.redactString(out);
  return out.length > MAX_TEXT_LENGTH ? `${out.slice(0, MAX_TEXT_LENGTH)}…` : out;
}
