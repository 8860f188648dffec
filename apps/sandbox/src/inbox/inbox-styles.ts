/** The inbox page's stylesheet: inline, because the page must work without network access. */
export const INBOX_CSS = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 -apple-system,BlinkMacSystemFont,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Helvetica Neue",Arial,sans-serif;background:#e9ebee;color:#191919}
header{display:flex;align-items:center;gap:14px;padding:14px 28px;background:#2e3238;color:#fff}
header .logo{width:34px;height:34px;border-radius:9px;background:#07c160;display:grid;place-items:center;font-weight:700;font-size:18px}
header h1{margin:0;font-size:17px;font-weight:600}
header .sub{color:#aab0b8;font-size:12px}
header .stats{margin-left:auto;display:flex;gap:18px;font-size:12px;color:#cfd3d8}
header .stats b{display:block;color:#fff;font-size:16px}
.live{display:inline-flex;align-items:center;gap:6px;color:#8fe3b4;font-size:12px}
.live:before{content:"";width:8px;height:8px;border-radius:50%;background:#07c160;box-shadow:0 0 0 3px rgba(7,193,96,.25)}
main{display:flex;flex-wrap:wrap;gap:26px;padding:26px 28px;align-items:flex-start}
.phone{width:360px;background:#1f2125;border-radius:38px;padding:12px;box-shadow:0 14px 34px rgba(0,0,0,.22)}
.screen{background:#ededed;border-radius:28px;overflow:hidden;min-height:300px}
.bar{display:flex;justify-content:space-between;padding:10px 22px 4px;font-size:12px;font-weight:600;color:#111}
.title{display:flex;align-items:center;gap:8px;padding:6px 16px 10px;border-bottom:1px solid #dcdcdc;background:#f7f7f7}
.title .back{color:#555;font-size:18px}
.title .name{font-weight:600;font-size:15px;flex:1;text-align:center;margin-right:18px}
.title .who{display:block;font-weight:400;font-size:11px;color:#8a8a8a;font-family:ui-monospace,Menlo,Consolas,monospace}
.feed{padding:10px 12px 16px;display:flex;flex-direction:column;gap:14px}
.stamp{align-self:center;font-size:11px;color:#9a9a9a;background:rgba(0,0,0,.05);padding:2px 8px;border-radius:4px}
.card{background:#fff;border-radius:10px;overflow:hidden;box-shadow:0 1px 2px rgba(0,0,0,.06)}
.card .from{display:flex;align-items:center;gap:8px;padding:12px 14px 0;font-size:12px;color:#6b6b6b}
.avatar{width:22px;height:22px;border-radius:6px;display:grid;place-items:center;color:#fff;font-size:11px;font-weight:700}
.kind{margin-left:auto;font-size:11px;padding:1px 7px;border-radius:9px;background:#e8f8ef;color:#06ad56}
.kind.subscribe{background:#eaf2ff;color:#2f6fdb}.kind.bizsend{background:#fff4e5;color:#c97a06}
.card h3{margin:8px 14px 2px;font-size:16px;font-weight:600}
.card .tpl{margin:0 14px;font-size:11px;color:#a3a3a3;font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
.fields{margin:10px 14px 12px;display:grid;grid-template-columns:auto 1fr;gap:5px 14px}
.fields dt{color:#8a8a8a;white-space:nowrap}
.fields dd{margin:0;color:#191919;word-break:break-all}
.jump{display:flex;justify-content:space-between;align-items:center;padding:11px 14px;border-top:1px solid #efefef;color:#191919;text-decoration:none;font-size:14px}
.jump .path{display:block;font-size:11px;color:#a3a3a3;font-family:ui-monospace,Menlo,Consolas,monospace;margin-top:1px}
.jump:after{content:"\\203A";color:#b2b2b2;font-size:20px;line-height:1}
a.jump:hover{background:#fafafa}
.status{margin:0 14px 10px;font-size:12px;color:#fa5151;background:#fff1f0;border-radius:6px;padding:4px 8px}
.meta{padding:0 14px 10px;font-size:11px;color:#b0b0b0;font-family:ui-monospace,Menlo,Consolas,monospace}
.more{text-align:center;color:#9a9a9a;font-size:12px;padding:4px}
.empty{margin:60px auto;max-width:640px;background:#fff;border-radius:14px;padding:30px 34px;box-shadow:0 4px 18px rgba(0,0,0,.06)}
.empty h2{margin-top:0}
.empty pre{background:#2e3238;color:#e6e6e6;padding:14px;border-radius:8px;overflow:auto;font-size:12px}
footer{padding:0 28px 26px;color:#8a8f96;font-size:12px}
footer a{color:#576b95}
`;
