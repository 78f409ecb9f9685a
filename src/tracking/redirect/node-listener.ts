import { createServer, type IncomingHttpHeaders, type IncomingMessage, type RequestListener, type ServerOptions, type ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { newId } from '../../../db/ids.js';
import type { Config } from '../../config.js';
import { systemClock } from '../../context.js';
import { createLogger, type Logger } from '../../logger.js';
import type { Tracking } from '../types.js';
import { createRedirectHandler, type RedirectAnswer, type RedirectRequest } from './handler.js';
import { renderAnswer } from './render.js';

type Listener = RequestListener<typeof IncomingMessage, typeof ServerResponse>;

const INCOMING_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function headerReader(headers: IncomingHttpHeaders) {
  return (name: string): string | undefined => {
    const value = headers[name];
    return typeof value === 'string' ? value : Array.isArray(value) ? value.join(', ') : undefined;
  };
}

function send(req: IncomingMessage, res: ServerResponse, answer: RedirectAnswer): void {
  if (answer.status === 302) {
    // The hot path: one header object, no body.
    const headers: Record<string, string> = { location: answer.location, 'cache-control': 'private, no-store', 'x-robots-tag': 'noindex', 'content-length': '0' };
    if (answer.cookie) headers['set-cookie'] = answer.cookie;
    res.writeHead(302, headers);
    res.end();
    return;
  }
  const incoming = req.headers['x-request-id'];
  const requestId = typeof incoming === 'string' && INCOMING_REQUEST_ID.test(incoming) ? incoming : newId('req');
  const rendered = renderAnswer(answer, req.headers.accept, requestId, req.headers['accept-language']);
  res.writeHead(rendered.status, { ...rendered.headers, 'x-request-id': requestId, 'content-length': String(Buffer.byteLength(rendered.body)) });
  res.end(rendered.body);
}

function fail(res: ServerResponse, logger: Logger, err: unknown): void {
  logger.error({ err }, 'redirect failed');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ error: { code: 'internal_error', message: 'Something went wrong on our side.', requestId: newId('req') } });
  res.writeHead(500, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/**
 * A `createServer` for @hono/node-server's `serve` that answers `GET|HEAD /r/{slug}` straight on
 * node:http, skipping the Web Request/Response translation, and hands every other request to Hono.
 * The redirect is the one request whose latency merchants see on every visit; it skips the API's
 * middleware (request logging included) and shares the same framework-free core as the Hono route.
 */
export function withRedirectFastPath(tracking: Tracking, config: Config, logger: Logger = createLogger(config.LOG_LEVEL)): typeof createServer {
  const log = logger.child({ component: 'redirect' });
  const handle = createRedirectHandler({ tracking, config, clock: systemClock, logger: log });

  function serveRedirect(req: IncomingMessage, res: ServerResponse, url: string): void {
    const q = url.indexOf('?');
    const headers = req.headers;
    const request: RedirectRequest = {
      method: req.method!,
      slug: q === -1 ? url.slice(3) : url.slice(3, q),
      host: headers.host,
      query: q === -1 ? '' : url.slice(q + 1),
      header: headerReader(headers),
      socketAddress: req.socket.remoteAddress,
      socketTls: (req.socket as TLSSocket).encrypted === true,
    };
    let result: RedirectAnswer | Promise<RedirectAnswer>;
    try {
      result = handle(request);
    } catch (err) {
      fail(res, log, err);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (answer) => deliver(req, res, answer),
        (err: unknown) => fail(res, log, err),
      );
    } else {
      deliver(req, res, result);
    }
  }

  // A throw inside a node:http request listener would take the whole process down.
  function deliver(req: IncomingMessage, res: ServerResponse, answer: RedirectAnswer): void {
    try {
      send(req, res, answer);
    } catch (err) {
      fail(res, log, err);
    }
  }

  const wrap = (listener: Listener): Listener => (req, res) => {
    const url = req.url ?? '';
    // '/r/' by char code: this test runs for every request the server receives.
    if (url.charCodeAt(0) === 47 && url.charCodeAt(1) === 114 && url.charCodeAt(2) === 47 && (req.method === 'GET' || req.method === 'HEAD')) {
      serveRedirect(req, res, url);
      return;
    }
    listener(req, res);
  };

  return ((optionsOrListener: ServerOptions | Listener, maybeListener?: Listener) => {
    if (typeof optionsOrListener === 'function') return createServer(wrap(optionsOrListener));
    return createServer(optionsOrListener, wrap(maybeListener!));
  }) as typeof createServer;
}
