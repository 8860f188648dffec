/** The console's one stylesheet, served at `/admin/console.css` (no inline styles, no CDN). */
export const CONSOLE_CSS = `
:root { color-scheme: light; --ink: #1d232b; --muted: #5b6673; --line: #d8dde3; --accent: #07c160; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #f6f7f9; }
header { display: flex; gap: 1.5rem; align-items: center; padding: .75rem 1.5rem; background: #151a21; color: #fff; }
header a { color: #cfd6de; text-decoration: none; }
header a.here, header a:hover { color: #fff; }
header strong { color: var(--accent); margin-right: 1rem; }
main { padding: 1.25rem 1.5rem; max-width: 1200px; }
h1 { font-size: 1.3rem; margin: 0 0 1rem; }
h2 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
form.filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; margin-bottom: 1rem; }
form.filters label { display: flex; flex-direction: column; font-size: .8rem; color: var(--muted); }
input, select { font: inherit; padding: .3rem .45rem; border: 1px solid var(--line); border-radius: 4px; background: #fff; }
button { font: inherit; padding: .35rem .9rem; border: 0; border-radius: 4px; background: var(--accent); color: #fff; cursor: pointer; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: .8rem; color: var(--muted); font-weight: 600; }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: .85rem; }
.status { display: inline-block; padding: 0 .45rem; border-radius: 9px; background: #e8ebef; }
.status-sent, .status-delivered { background: #d7f5e3; }
.status-dead, .status-undelivered, .status-expired { background: #fbdada; }
.notice { padding: .6rem .8rem; border-radius: 4px; background: #fff6d6; border: 1px solid #f0dc8c; margin-bottom: 1rem; }
.error { background: #fde4e4; border-color: #f2b4b4; }
.ok { background: #dff6e8; border-color: #9edcb7; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1.2rem; background: #fff; padding: .8rem 1rem; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; }
.muted { color: var(--muted); }
`;
