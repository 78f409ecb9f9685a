import type { TileRef } from '../tiles.js';
import { entriesPath, tilePath } from '../tiles.js';
import { VerificationFailure } from './report.js';

/** Where the log and the API live: the tlog-tiles prefix (`<base>/log`) and the API base above it. */
export interface LogEndpoints {
  prefix: string;
  apiBase: string;
}

/**
 * Accepts the server's base URL (`https://trellis.example`) or the log prefix itself
 * (`https://trellis.example/log`); the API is at the prefix's parent unless said otherwise.
 */
export function logEndpoints(logUrl: string, apiUrl?: string): LogEndpoints {
  let url: URL;
  try {
    url = new URL(logUrl);
  } catch {
    throw new VerificationFailure(`not a URL: ${logUrl}`);
  }
  const path = url.pathname.replace(/\/+$/, '');
  const logPath = path.endsWith('/log') ? path : `${path}/log`;
  const origin = url.origin;
  return { prefix: `${origin}${logPath}`, apiBase: (apiUrl ?? `${origin}${logPath.slice(0, -'/log'.length)}`).replace(/\/+$/, '') };
}

/** The server answered with an error status: callers that know what the resource means rephrase it. */
export class FetchFailure extends VerificationFailure {
  constructor(
    readonly what: string,
    readonly status: number,
    readonly reason: string,
  ) {
    super(`could not fetch ${what}: HTTP ${status}${reason ? ` (${reason})` : ''}`);
  }

  /** `HTTP 404: reason`, for a sentence of the caller's. */
  get answer(): string {
    return `HTTP ${this.status}${this.reason ? `: ${this.reason}` : ''}`;
  }
}

const MAX_RATE_LIMIT_RETRIES = 5;

export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

/** HTTP reads of a log: every error names the resource and what went wrong, in one line. */
export class LogClient {
  constructor(
    readonly endpoints: LogEndpoints,
    private readonly fetchImpl: FetchLike = fetch,
  ) {}

  async checkpoint(): Promise<string> {
    return new TextDecoder().decode(await this.bytes(`${this.endpoints.prefix}/checkpoint`, 'checkpoint'));
  }

  hashTile(t: TileRef): Promise<Uint8Array> {
    const path = tilePath(t);
    return this.bytes(`${this.endpoints.prefix}/${path}`, path);
  }

  entryBundle(index: number, width: number): Promise<Uint8Array> {
    const path = entriesPath(index, width);
    return this.bytes(`${this.endpoints.prefix}/${path}`, path);
  }

  /** A JSON document from the API (proofs, receipts, statistics), with an optional bearer token. */
  async json<T = any>(path: string, opts: { token?: string; method?: string; body?: unknown } = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await this.send(`${this.endpoints.apiBase}${path}`, path, {
      method: opts.method ?? 'GET',
      headers,
      ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
    });
    const text = await res.text();
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new VerificationFailure(`${path}: the answer is not JSON`);
    }
  }

  private async bytes(url: string, what: string): Promise<Uint8Array> {
    const res = await this.send(url, what, { headers: { 'accept-encoding': 'gzip, identity' } });
    return new Uint8Array(await res.arrayBuffer());
  }

  private async send(url: string, what: string, init: RequestInit): Promise<Response> {
    let res: Response;
    for (let attempt = 0; ; attempt++) {
      try {
        res = await this.fetchImpl(url, init);
      } catch (err) {
        throw new VerificationFailure(`could not fetch ${what}: ${(err as Error).message}`);
      }
      // An affiliate with many entries asks for many proofs: wait out the API rate limit rather than fail.
      if (res.status !== 429 || attempt >= MAX_RATE_LIMIT_RETRIES) break;
      await res.body?.cancel();
      const wait = Math.min(Number(res.headers.get('retry-after')) || 1, 60);
      await new Promise((r) => setTimeout(r, wait * 1000));
    }
    if (!res.ok) {
      const detail = await res.text().catch(() => '');
      let reason = '';
      try {
        reason = JSON.parse(detail)?.error?.message ?? '';
      } catch {
        // not our error envelope; the status says enough
      }
      throw new FetchFailure(what, res.status, reason);
    }
    return res;
  }
}
