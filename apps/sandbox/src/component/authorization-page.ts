import type { ComponentPlatform } from './component-platform';

/** What the authorization page link carries. */
export interface AuthorizationLink {
  componentAppId: string;
  preAuthCode: string;
  redirectUri: string;
  authType?: string;
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The merchant's authorization page (授权页): pick the account to authorize and confirm. The
 * form posts to `/sandbox/component/confirm`, which redirects to `redirect_uri` with the
 * `auth_code`, as WeChat's page does after the merchant scans and confirms.
 */
export function authorizationPage(
  platform: ComponentPlatform,
  link: AuthorizationLink,
): { status: number; html: string } {
  if (!platform.components.has(link.componentAppId)) {
    return { status: 400, html: '<p>unknown component_appid</p>' };
  }
  const apps = platform.merchantApps();
  const hidden = (name: string, value: string) =>
    `<input type="hidden" name="${name}" value="${escape(value)}">`;
  const options = apps
    .map((appId) => `<option value="${escape(appId)}">${escape(appId)}</option>`)
    .join('');
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>授权 ${escape(link.componentAppId)}</title></head>
<body><h1>Authorize ${escape(link.componentAppId)}</h1>
<form method="post" action="/sandbox/component/confirm">
${hidden('component_appid', link.componentAppId)}${hidden('pre_auth_code', link.preAuthCode)}${hidden('redirect_uri', link.redirectUri)}
<label>Account <select name="authorizer_appid">${options}</select></label>
<button type="submit">授权 / Authorize</button></form></body></html>`;
  return { status: 200, html };
}
