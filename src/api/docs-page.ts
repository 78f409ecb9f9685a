/**
 * The API reference at /docs. Self-contained (no CDN: Trellis must work offline): it fetches
 * /openapi.json and renders every operation with its access, parameters, body and responses.
 * Its script and stylesheet are constants, so the page's Content-Security-Policy allows exactly
 * them by hash (src/api/security-headers.ts): no inline style attributes, no other script.
 */
export const DOCS_STYLE = `
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2430;background:#f7f8fa}
header{background:#1d3b2a;color:#fff;padding:16px 24px}header h1{margin:0;font-size:20px}
main{max-width:980px;margin:0 auto;padding:16px 24px}
h2{margin-top:32px;border-bottom:1px solid #d8dde3;padding-bottom:4px}
details{background:#fff;border:1px solid #d8dde3;border-radius:6px;margin:8px 0}
summary{cursor:pointer;padding:8px 12px;display:flex;gap:12px;align-items:baseline}
.m{font:600 12px monospace;padding:2px 6px;border-radius:4px;color:#fff;min-width:52px;text-align:center}
.get{background:#2f6fdb}.post{background:#1f8a4c}.patch,.put{background:#b7791f}.delete{background:#c53030}
code,pre{font-family:ui-monospace,monospace;font-size:13px}pre{background:#f1f3f5;padding:8px;overflow:auto;border-radius:4px}
.body{padding:0 12px 12px}.access{color:#555;font-size:13px}
header a{color:#cfe}
`;

export const DOCS_SCRIPT = `
const root = document.getElementById('root');
const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (ch) => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[ch]));
try {
  const doc = await (await fetch('/openapi.json')).json();
  const byTag = new Map();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) {
      const tag = (op.tags ?? ['Other'])[0];
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push({ path, method, op });
    }
  }
  let html = '<p>' + esc(doc.info?.description) + '</p>';
  for (const [tag, ops] of byTag) {
    html += '<h2>' + esc(tag) + '</h2>';
    for (const { path, method, op } of ops) {
      const access = op['x-trellis-access'];
      html += '<details><summary><span class="m ' + method + '">' + method.toUpperCase() + '</span><code>' + esc(path) + '</code><span>' + esc(op.summary) + '</span></summary><div class="body">';
      html += '<p class="access">operationId <code>' + esc(op.operationId) + '</code> · access: ' + esc(access === 'public' ? 'public' : (access ?? []).join(', ')) + '</p>';
      if (op.description) html += '<p>' + esc(op.description) + '</p>';
      if (op.parameters?.length) html += '<h4>Parameters</h4><pre>' + esc(op.parameters.map((p) => p.in + ' ' + p.name + (p.required ? ' (required)' : '') + ': ' + JSON.stringify(p.schema)).join('\\n')) + '</pre>';
      const body = op.requestBody?.content;
      if (body) html += '<h4>Body</h4><pre>' + esc(JSON.stringify(body, null, 2)) + '</pre>';
      html += '<h4>Responses</h4><pre>' + esc(Object.entries(op.responses ?? {}).map(([s, r]) => s + ' ' + r.description).join('\\n')) + '</pre>';
      html += '</div></details>';
    }
  }
  html += '<h2>Schemas</h2><pre>' + esc(JSON.stringify(doc.components?.schemas ?? {}, null, 2)) + '</pre>';
  root.innerHTML = html;
} catch (err) {
  root.innerHTML = '<p role="alert">Could not load the API document: ' + esc(err.message) + '</p>';
}
`;

export const docsPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Trellis API reference</title>
<style>${DOCS_STYLE}</style></head>
<body><header><h1>Trellis API reference</h1><div>OpenAPI 3.1 document: <a href="/openapi.json">/openapi.json</a></div></header>
<main id="root"><p>Loading…</p></main>
<script type="module">${DOCS_SCRIPT}</script></body></html>`;
