import type { AppEntry, DeadCallback, DeliveryRecord } from '@wechat-dispatch/core';
import { consolePage, notice, statusBadge } from './console-layout';
import { html, type SafeHtml } from './html';

/** The statuses a search may filter by (the record's, and `expired` of the archive). */
const SEARCH_STATUSES = [
  'queued',
  'scheduled',
  'retrying',
  'sent',
  'delivered',
  'undelivered',
  'dead',
  'expired',
  'cancelled',
] as const;

/** The search form's fields, as the operator typed them. */
export interface SearchForm {
  toUser?: string;
  appId?: string;
  status?: string;
  templateId?: string;
  caller?: string;
  from?: string;
  to?: string;
  metaKey?: string;
  metaValue?: string;
}

/** What the search page shows below its form. */
export type SearchOutcome =
  | { kind: 'results'; items: DeliveryRecord[]; next?: string }
  | { kind: 'message'; text: string; error?: boolean }
  | { kind: 'none' };

function field(name: keyof SearchForm, label: string, form: SearchForm, type = 'text'): SafeHtml {
  return html`<label
    >${label}<input type="${type}" name="${name}" value="${form[name] ?? ''}"
  /></label>`;
}

function messageRows(items: readonly DeliveryRecord[]): SafeHtml {
  return html`<table>
    <thead>
      <tr>
        <th>Created</th>
        <th>Message</th>
        <th>App</th>
        <th>To user</th>
        <th>Template</th>
        <th>Caller</th>
        <th>Status</th>
        <th>Metadata</th>
      </tr>
    </thead>
    <tbody>
      ${items.map(
        (r) =>
          html`<tr>
            <td class="mono">${r.createdAt}</td>
            <td><a class="mono" href="/admin/messages/${encodeURIComponent(r.id)}">${r.id}</a></td>
            <td class="mono">${r.appId}</td>
            <td class="mono">${r.toUser}</td>
            <td class="mono">${r.templateId}</td>
            <td>${r.caller}</td>
            <td>${statusBadge(r.status)}</td>
            <td class="mono">${r.metadata ? JSON.stringify(r.metadata) : ''}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** `/admin`: the search form over the archive, a lookup by id, and the results. */
export function searchPage(form: SearchForm, outcome: SearchOutcome): string {
  const body = html`<form class="filters" method="get" action="/admin/messages">
      <label>Message id<input type="text" name="id" size="30" /></label
      ><button type="submit">Open</button>
    </form>
    <form class="filters" method="get" action="/admin" aria-label="search">
      ${field('toUser', 'To user (openid)', form)} ${field('appId', 'App', form)}
      <label
        >Status<select name="status">
          <option value="">any</option>
          ${SEARCH_STATUSES.map(
            (s) => html`<option${form.status === s ? html` selected` : ''}>${s}</option>`,
          )}
        </select></label
      >
      ${field('templateId', 'Template', form)} ${field('caller', 'Caller', form)}
      ${field('from', 'From (ISO time)', form)} ${field('to', 'To (ISO time)', form)}
      ${field('metaKey', 'Metadata key', form)} ${field('metaValue', 'Metadata value', form)}
      <button type="submit">Search</button>
    </form>
    ${outcomeOf(outcome, form)}`;
  return consolePage('Messages', '/admin', body);
}

function outcomeOf(outcome: SearchOutcome, form: SearchForm): SafeHtml {
  if (outcome.kind === 'none') {
    return html``;
  }
  if (outcome.kind === 'message') {
    return notice(outcome.text, outcome.error ? 'error' : 'info');
  }
  if (outcome.items.length === 0) {
    return notice('No message matches.');
  }
  const query = new URLSearchParams(
    Object.entries({ ...form, cursor: outcome.next }).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '',
    ),
  );
  return html`${messageRows(outcome.items)}${
    outcome.next ? html`<p><a href="/admin?${query.toString()}">Next page</a></p>` : ''
  }`;
}

/** `/admin/messages/:id`: the record, its history and what its errcodes mean. */
export function messagePage(
  record: DeliveryRecord,
  meaningOf: (errcode: number) => string | undefined,
  source: 'redis' | 'archive',
  csrfToken: string,
): string {
  const errcode = (code: number | undefined) =>
    code === undefined
      ? ''
      : html`<code>${code}</code>
          <span class="muted">${meaningOf(code) ?? 'not in the catalogue'}</span>`;
  const body = html`<dl>
      <dt>Id</dt>
      <dd class="mono">${record.id}</dd>
      <dt>Status</dt>
      <dd>${statusBadge(record.status)}</dd>
      <dt>App</dt>
      <dd class="mono">${record.appId}</dd>
      <dt>To user</dt>
      <dd class="mono">${record.toUser}</dd>
      <dt>Type · template</dt>
      <dd>${record.type} · <span class="mono">${record.templateId}</span></dd>
      <dt>Caller</dt>
      <dd>${record.caller}</dd>
      <dt>Created · updated</dt>
      <dd class="mono">${record.createdAt} · ${record.updatedAt}</dd>
      <dt>Attempts</dt>
      <dd>${record.attempts}</dd>
      ${
        record.wechatMsgId
          ? html`<dt>WeChat msgid</dt>
              <dd class="mono">${record.wechatMsgId}</dd>`
          : ''
      }
      ${
        record.lastError
          ? html`<dt>Last error</dt>
              <dd>${errcode(record.lastError.errcode)} — ${record.lastError.errmsg}</dd>`
          : ''
      }
      <dt>Metadata</dt>
      <dd class="mono">${record.metadata ? JSON.stringify(record.metadata) : '—'}</dd>
      <dt>Trace id</dt>
      <dd class="mono">${record.traceId}</dd>
      <dt>Read from</dt>
      <dd>
        ${source === 'redis' ? 'Redis (live record)' : 'the archive (the Redis record has expired)'}
      </dd>
    </dl>
    ${record.status === 'dead' && source === 'redis' ? redriveForm(record.id, csrfToken) : ''}
    <h2>History</h2>
    <table>
      <thead>
        <tr>
          <th>At</th>
          <th>Event</th>
          <th>Errcode</th>
          <th>Details</th>
        </tr>
      </thead>
      <tbody>
        ${record.history.map((entry) => {
          const { at, event, errcode: code, ...rest } = entry;
          return html`<tr>
            <td class="mono">${at}</td>
            <td>${event}</td>
            <td>${errcode(code)}</td>
            <td class="mono">${Object.keys(rest).length > 0 ? JSON.stringify(rest) : ''}</td>
          </tr>`;
        })}
      </tbody>
    </table>`;
  return consolePage(`Message ${record.id}`, '/admin', body);
}

function redriveForm(id: string, csrfToken: string): SafeHtml {
  return html`<form method="post" action="/admin/dead-letters/${encodeURIComponent(id)}/redrive">
    <input type="hidden" name="csrf" value="${csrfToken}" /><button type="submit">Redrive</button>
  </form>`;
}

/** `/admin/dead-letters`: every caller's dead letters, newest first, each with a redrive. */
export function deadLettersPage(
  items: readonly DeliveryRecord[],
  next: string | null,
  csrfToken: string,
  flash?: SafeHtml,
): string {
  const body = html`${flash ?? ''}${
      items.length === 0
        ? notice('No dead letters.')
        : html`<table>
            <thead>
              <tr>
                <th>Updated</th>
                <th>Message</th>
                <th>App</th>
                <th>To user</th>
                <th>Caller</th>
                <th>Last error</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              ${items.map(
                (r) =>
                  html`<tr>
                    <td class="mono">${r.updatedAt}</td>
                    <td>
                      <a class="mono" href="/admin/messages/${encodeURIComponent(r.id)}">${r.id}</a>
                    </td>
                    <td class="mono">${r.appId}</td>
                    <td class="mono">${r.toUser}</td>
                    <td>${r.caller}</td>
                    <td>${r.lastError ? `${r.lastError.errcode} ${r.lastError.errmsg}` : ''}</td>
                    <td>${redriveForm(r.id, csrfToken)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }${next ? html`<p><a href="/admin/dead-letters?cursor=${encodeURIComponent(next)}">Next page</a></p>` : ''}
    <p class="muted">
      A redrive puts the message back to <code>queued</code> with a fresh attempt budget (as
      <code>POST /v1/dead-letters/:id/redrive</code>).
    </p>`;
  return consolePage('Dead letters', '/admin/dead-letters', body);
}

/** `/admin/callback-dead-letters`: callbacks that used their attempt budget. */
export function callbackDeadLettersPage(items: readonly DeadCallback[], total: number): string {
  const body = html`<p class="muted">
      ${total} kept on the
      <a href="/admin/queues/queue/callback-dead-letters">callback-dead-letters</a> queue (newest
      ${items.length} shown). No worker consumes this queue by design: it is kept for operators.
    </p>
    ${
      items.length === 0
        ? notice('No callback dead letters.')
        : html`<table>
            <thead>
              <tr>
                <th>Dead at</th>
                <th>Message</th>
                <th>Status told</th>
                <th>Caller</th>
                <th>URL</th>
                <th>Attempts</th>
                <th>Reason</th>
              </tr>
            </thead>
            <tbody>
              ${items.map(
                (c) =>
                  html`<tr>
                    <td class="mono">${c.deadAt}</td>
                    <td>
                      <a class="mono" href="/admin/messages/${encodeURIComponent(c.messageId)}"
                        >${c.messageId}</a
                      >
                    </td>
                    <td>${statusBadge(c.status)}</td>
                    <td>${c.caller}</td>
                    <td class="mono">${c.url}</td>
                    <td>${c.attempts}</td>
                    <td>${c.reason}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }`;
  return consolePage('Callback dead letters', '/admin/callback-dead-letters', body);
}

/** `/admin/apps`: the apps the API knows, and each queue's page in Bull Board. */
export function appsPage(apps: readonly AppEntry[], queueNames: readonly string[]): string {
  const body = html`<table>
      <thead>
        <tr>
          <th>App</th>
          <th>Kind</th>
          <th>Enabled</th>
          <th>Token</th>
          <th>Rate cap /s</th>
          <th>Consent exempt</th>
        </tr>
      </thead>
      <tbody>
        ${apps.map(
          (a) =>
            html`<tr>
              <td class="mono">${a.appId}</td>
              <td>${a.kind ?? ''}</td>
              <td>${a.enabled ? 'yes' : 'no'}</td>
              <td>
                ${a.tokenSource === 'component' ? `component ${a.componentAppId ?? ''}` : (a.tokenMode ?? 'default')}
              </td>
              <td>${a.ratePerSec ?? 'default'}</td>
              <td>${a.consentExempt ? 'yes' : 'no'}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <h2>Queues</h2>
    <ul>
      ${queueNames.map(
        (name) =>
          html`<li><a href="/admin/queues/queue/${encodeURIComponent(name)}">${name}</a></li>`,
      )}
    </ul>
    <p class="muted">
      Changes to apps go through <code>/v1/admin/apps</code> (operators' API key).
    </p>`;
  return consolePage('Apps', '/admin/apps', body);
}

/** A page answering that something is not there. */
export function notFoundPage(text: string): string {
  return consolePage('Not found', '/admin', notice(text, 'error'));
}
