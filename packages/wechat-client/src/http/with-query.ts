/**
 * `path?name=value&…`, every part percent-encoded, in the order given: the query of a WeChat
 * call (`access_token`, or the token endpoint's `appid` and `secret`).
 */
export function withQuery(path: string, params: Record<string, string> | undefined): string {
  if (params === undefined) {
    return path;
  }
  let url = path;
  let separator = '?';
  for (const name of Object.keys(params)) {
    url += `${separator}${encodeURIComponent(name)}=${encodeURIComponent(params[name]!)}`;
    separator = '&';
  }
  return url;
}
