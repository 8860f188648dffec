import { cstTime, renderCard } from './render-card';
import { escapeHtml } from './escape-html';
import { INBOX_CSS } from './inbox-styles';
import type { SandboxStats } from '../state/stats';
import type { TemplateInfo } from '../state/template-registry';
import type { SandboxMessage } from '../types';

/** What the inbox page shows. */
export interface InboxView {
  /** Messages, newest first. */
  messages: SandboxMessage[];
  /** Looks up a template's title and labels. */
  template: (templateId: string) => TemplateInfo | undefined;
  stats: SandboxStats;
  /** Version of the delivery store when rendered; the page reloads when it changes. */
  version: number;
  /** The `touser` filter, if any. */
  touser?: string;
}

const MAX_USERS = 24;
const MAX_CARDS_PER_USER = 20;

// Polls a version number and reloads only on change, keeping the scroll position otherwise.
const REFRESH_SCRIPT = `<script>
(function(){var v=document.body.getAttribute('data-version');
setInterval(function(){fetch('/sandbox/messages/version').then(function(r){return r.json()}).then(function(d){
if(String(d.version)!==v){location.reload()}}).catch(function(){})},2000)})();
</script>`;

function group(messages: SandboxMessage[]): Map<string, SandboxMessage[]> {
  const users = new Map<string, SandboxMessage[]>();
  for (const m of messages) {
    const list = users.get(m.touser) ?? [];
    list.push(m);
    users.set(m.touser, list);
  }
  return users;
}

function renderPhone(touser: string, messages: SandboxMessage[], view: InboxView): string {
  const cards = messages
    .slice(0, MAX_CARDS_PER_USER)
    .map(
      (m) =>
        `<div class="stamp">${cstTime(m.at)}</div>${renderCard(m, view.template(m.template_id))}`,
    )
    .join('');
  const more =
    messages.length > MAX_CARDS_PER_USER
      ? `<div class="more">还有 ${messages.length - MAX_CARDS_PER_USER} 条更早的消息</div>`
      : '';
  return `<section class="phone" data-touser="${escapeHtml(touser)}"><div class="screen">
<div class="bar"><span>9:41</span><span>●●● 5G ▮</span></div>
<div class="title"><span class="back">‹</span><span class="name">服务通知<span class="who"><a href="/?touser=${encodeURIComponent(touser)}" style="color:inherit;text-decoration:none">${escapeHtml(touser)}</a></span></span></div>
<div class="feed">${cards}${more}</div></div></section>`;
}

const EMPTY = `<div class="empty"><h2>No messages yet</h2>
<p>Send one through the sandbox and it appears here within two seconds:</p>
<pre>TOKEN=$(curl -s 'http://127.0.0.1:8081/cgi-bin/token?grant_type=client_credential&amp;appid=APPID&amp;secret=SECRET' | sed 's/.*"access_token":"\\([^"]*\\)".*/\\1/')
curl -s -X POST "http://127.0.0.1:8081/cgi-bin/message/template/send?access_token=$TOKEN" \\
  -d '{"touser":"oUser0000000000000000000001","template_id":"TPL_demo","data":{"keyword1":{"value":"Hello"}}}'</pre></div>`;

/** The whole inbox page: one phone per user, most recently active first. */
export function renderInbox(view: InboxView): string {
  const users = [...group(view.messages)].slice(0, MAX_USERS);
  const body =
    users.length === 0 ? EMPTY : users.map(([u, ms]) => renderPhone(u, ms, view)).join('\n');
  const s = view.stats;
  const sends = Object.values(s.sendCalls).reduce(
    (n, r) => n + r.template + r.subscribe + r.bizsend,
    0,
  );
  const filter = view.touser
    ? ` · <a href="/" style="color:#8fe3b4">${escapeHtml(view.touser)} ×</a>`
    : '';
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>WeChat Sandbox · Inbox</title><style>${INBOX_CSS}</style></head>
<body data-version="${view.version}">
<header><div class="logo">W</div><div><h1>WeChat Sandbox · Inbox</h1><div class="sub">wechat-dispatch simulator${filter}</div></div>
<div class="stats"><span><b>${s.deliveries}</b>delivered</span><span><b>${sends}</b>send calls</span><span><b>${s.deduplicated}</b>deduplicated</span><span class="live">live</span></div></header>
<main>${body}</main>
<footer>Newest first · JSON at <a href="/sandbox/messages">/sandbox/messages</a> · counters at <a href="/sandbox/stats">/sandbox/stats</a></footer>
${REFRESH_SCRIPT}
</body></html>`;
}
