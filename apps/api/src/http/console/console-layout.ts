import { html, type SafeHtml } from './html';

/** The console's sections, in the order of its navigation bar. */
export const CONSOLE_SECTIONS = [
  { path: '/admin', label: 'Messages' },
  { path: '/admin/dead-letters', label: 'Dead letters' },
  { path: '/admin/callback-dead-letters', label: 'Callback dead letters' },
  { path: '/admin/apps', label: 'Apps' },
  { path: '/admin/queues', label: 'Queues (Bull Board)' },
] as const;

/** A whole console page: the navigation bar with `section` marked, and `body`. */
export function consolePage(title: string, section: string, body: SafeHtml): string {
  return html`<!DOCTYPE html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>${title} · wechat-dispatch console</title>
        <link rel="stylesheet" href="/admin/console.css" />
      </head>
      <body>
        <header>
          <strong>wechat-dispatch</strong>${CONSOLE_SECTIONS.map(
            (s) =>
              html`<a href="${s.path}" ${s.path === section ? html` class="here"` : ''}
                >${s.label}</a
              >`,
          )}
        </header>
        <main>
          <h1>${title}</h1>
          ${body}
        </main>
      </body>
    </html> `.text;
}

/** A status as a coloured badge. */
export function statusBadge(status: string): SafeHtml {
  return html`<span class="status status-${status}">${status}</span>`;
}

/** A notice box; `kind` colours it. */
export function notice(text: string, kind: 'info' | 'error' | 'ok' = 'info'): SafeHtml {
  return html`<p class="notice ${kind === 'info' ? '' : kind}" role="status">${text}</p>`;
}
