import { escapeHtml, safeHref } from './escape-html';
import { valueTypeOf } from '../domain/value-rules';
import type { TemplateInfo } from '../state/template-registry';
import type { SandboxMessage, SendApi } from '../types';

const KIND_LABEL: Readonly<Record<SendApi, string>> = {
  template: '模板消息',
  subscribe: '订阅消息',
  bizsend: '订阅通知',
};

const AVATAR_COLOURS = ['#07c160', '#2f6fdb', '#fa9d3b', '#10aeff', '#9b59b6', '#e64340'];

/** Folds a value as the phone shows it since 2023: the first line, at most 20 characters. */
export function foldValue(value: string): string {
  const firstLine = value.split(/\r?\n/)[0] ?? '';
  const chars = [...firstLine];
  return chars.length > 20 || firstLine !== value ? `${chars.slice(0, 20).join('')}…` : firstLine;
}

/** Time of day in China Standard Time, as the phone of a WeChat user shows it. */
export function cstTime(iso: string): string {
  const d = new Date(Date.parse(iso) + 8 * 3600 * 1000);
  return d.toISOString().slice(11, 19);
}

function avatarColour(appid: string): string {
  let h = 0;
  for (const c of appid) {
    h = (h * 31 + c.charCodeAt(0)) >>> 0;
  }
  return AVATAR_COLOURS[h % AVATAR_COLOURS.length] ?? '#07c160';
}

function miniprogramJump(path: string | undefined): string {
  const shown = path ? `<span class="path">${escapeHtml(path)}</span>` : '';
  return `<div class="jump"><span>进入小程序查看${shown}</span></div>`;
}

function jumpOf(m: SandboxMessage): string {
  const href = safeHref(m.url);
  if (m.miniprogram) {
    return miniprogramJump(m.miniprogram.pagepath);
  }
  if (m.api === 'subscribe' && m.url) {
    return miniprogramJump(m.url);
  }
  return href
    ? `<a class="jump" href="${href}" target="_blank" rel="noopener noreferrer">详情</a>`
    : '';
}

/**
 * One message rendered as the card a phone shows: source, title, `key: value` lines and the
 * jump link. Every piece of user content is escaped.
 */
export function renderCard(m: SandboxMessage, template: TemplateInfo | undefined): string {
  const title = template?.title ?? KIND_LABEL[m.api];
  const fields = Object.entries(m.data)
    .map(([key, { value }]) => {
      const label = template?.fields?.[key] ?? key;
      // Historical template keys fold long values; typed keys were validated to fit already.
      const shown =
        m.api === 'template' && valueTypeOf(key) === undefined ? foldValue(value) : value;
      return `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(shown)}</dd>`;
    })
    .join('');
  const status =
    m.status === 'success' ? '' : `<div class="status">未送达 · ${escapeHtml(m.status)}</div>`;
  return `<article class="card" data-msgid="${escapeHtml(m.msgid)}">
<div class="from"><span class="avatar" style="background:${avatarColour(m.appid)}">${escapeHtml(m.appid.slice(-2).toUpperCase())}</span>${escapeHtml(m.appid)}<span class="kind ${m.api}" title="${m.api}">${KIND_LABEL[m.api]}</span></div>
<h3>${escapeHtml(title)}</h3>
<div class="tpl">${escapeHtml(m.template_id)}</div>
<dl class="fields">${fields}</dl>
${status}${jumpOf(m)}
<div class="meta">msgid ${escapeHtml(m.msgid)}</div>
</article>`;
}
