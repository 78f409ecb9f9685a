/**
 * The yardstick for bench/redirect.ts: a bare node:http server that answers the same 302 Trellis
 * answers, from a Map and nothing else (no cache logic, no click, no database).
 *
 *   PORT=4000 BARE_REDIRECTS='{"demo":{...template}}' tsx bench/bare-redirect-server.ts
 *
 * Each template (bench/redirect-template.ts) is a response Trellis gave, its click id blanked out.
 * Every answer gets a fresh click id of the same shape, as Trellis would mint.
 */
import { createServer } from 'node:http';
import { newId } from '../db/ids.js';
import { CLICK_PLACEHOLDER, type RedirectTemplate } from './redirect-template.js';

const templates = new Map<string, RedirectTemplate>(Object.entries(JSON.parse(process.env.BARE_REDIRECTS ?? '{}') as Record<string, RedirectTemplate>));
const port = Number(process.env.PORT ?? 0);

const fill = (value: string, click: string) => value.replaceAll(CLICK_PLACEHOLDER, click);

const server = createServer((req, res) => {
  const path = req.url ?? '/';
  const query = path.indexOf('?');
  const slug = path.startsWith('/r/') ? path.slice(3, query === -1 ? undefined : query) : '';
  const template = templates.get(slug);
  if (!template) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    return;
  }
  const click = newId(template.clickIdPrefix);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(template.headers)) headers[name] = Array.isArray(value) ? value.map((v) => fill(v, click)) : fill(value, click);
  const body = fill(template.body, click);
  headers['content-length'] = String(Buffer.byteLength(body));
  res.writeHead(template.status, headers).end(req.method === 'HEAD' ? undefined : body);
});

server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(JSON.stringify({ port: typeof address === 'object' && address ? address.port : port }) + '\n');
});

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
