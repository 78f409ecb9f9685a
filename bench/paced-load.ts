/**
 * An open-loop load at an even pace: request i is due at start + i / rate, whatever the server
 * is doing, and its latency runs from that due time to the end of its answer. A server that
 * stalls therefore shows every request it held up (no coordinated omission), and requests
 * waiting for a free connection count their wait.
 *
 * Why not autocannon's `overallRate`: it gives each connection a quota per second, which the
 * connection spends back to back from the top of each second. At 1,200/s over 50 connections the
 * server got a full second's requests in the first few hundred milliseconds, 50 at a time, and
 * then nothing: its latency was that of a burst at twice the rate, not of the rate.
 */
import { Agent, request } from 'node:http';

export interface PacedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface PacedResult {
  /** Latency of every answered request, in ms from its due time, in completion order. */
  latencies: number[];
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
  sent: number;
  /** From the first due time to the last answer, in seconds. */
  durationS: number;
}

export async function pacedLoad(
  url: string,
  opts: { rate: number; durationS: number; connections: number; timeoutMs?: number },
  next: (i: number) => PacedRequest,
): Promise<PacedResult> {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: opts.connections });
  const total = Math.round(opts.rate * opts.durationS);
  const intervalMs = 1000 / opts.rate;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let errors = 0;
  let timeouts = 0;
  let sent = 0;
  let settled = 0;
  const start = performance.now();
  let lastDone = start;

  return await new Promise<PacedResult>((resolve) => {
    const finish = () => {
      agent.destroy();
      resolve({ latencies, statusCodes, errors, timeouts, sent, durationS: (lastDone - start) / 1000 });
    };
    const settle = () => {
      lastDone = performance.now();
      if (++settled === total) finish();
    };
    const fire = (i: number, dueAt: number) => {
      const spec = next(i);
      const req = request(
        { agent, host: target.hostname, port: target.port, method: spec.method, path: spec.path, headers: spec.body === undefined ? spec.headers : { ...spec.headers, 'content-length': Buffer.byteLength(spec.body) } },
        (res) => {
          res.resume();
          res.on('end', () => {
            latencies.push(performance.now() - dueAt);
            const code = String(res.statusCode);
            statusCodes[code] = (statusCodes[code] ?? 0) + 1;
            settle();
          });
        },
      );
      req.setTimeout(timeoutMs, () => {
        timeouts++;
        req.destroy(new Error('timeout'));
      });
      req.on('error', () => {
        errors++;
        settle();
      });
      req.end(spec.body);
    };
    // Every tick sends all requests that have fallen due; a late tick catches up at once.
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * intervalMs <= now) {
        fire(sent, start + sent * intervalMs);
        sent++;
      }
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * intervalMs - performance.now()));
    };
    tick();
  });
}
