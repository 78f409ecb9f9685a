import { createServer, type IncomingMessage, type RequestListener, type ServerOptions, type ServerResponse } from 'node:http';
import type { Config } from '../../config.js';
import type { Tracking } from '../types.js';

// OWNER: helper B (redirect hot path). Placeholder: passes everything to Hono.
/**
 * A `createServer` for @hono/node-server's `serve` that answers `GET|HEAD /r/{slug}` straight on
 * node:http, skipping the Web Request/Response translation, and hands every other request to Hono.
 */
export function withRedirectFastPath(_tracking: Tracking, _config: Config): typeof createServer {
  return ((options: ServerOptions, listener: RequestListener<typeof IncomingMessage, typeof ServerResponse>) =>
    createServer(options, listener)) as typeof createServer;
}
