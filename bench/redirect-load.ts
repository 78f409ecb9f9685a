/**
 * The load both servers get: autocannon, N connections, `GET /r/demo` with a browser User-Agent
 * and a different client IP and country on (nearly) every request, so Trellis records realistic
 * clicks: mostly counted, a few duplicates (an IP seen before) and a few bots.
 */
import autocannon from 'autocannon';

const COUNTRIES = ['DE', 'US', 'FR', 'GB', 'BR', 'ES', 'IT', 'NL', 'PL', 'SE', 'AT', 'CH'];
const BROWSERS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
];
const BOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const REFERRERS = ['https://blog.example.org/best-shoes-2024', 'https://www.instagram.com/', undefined, undefined];

/** Shares of the load that are repeat visitors (a small pool of IPs) and crawlers. */
const REPEAT_SHARE = 0.05;
const REPEAT_POOL = 200;
const BOT_SHARE = 0.02;

// Fresh IPs continue across runs so no run repeats another's visitors by accident.
let nextVisitor = 1;
const ipOf = (n: number) => `10.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

function visitorHeaders(): Record<string, string> {
  const r = Math.random();
  const ip = r < REPEAT_SHARE ? `172.16.0.${1 + Math.floor(Math.random() * REPEAT_POOL)}` : ipOf(nextVisitor++);
  const bot = Math.random() < BOT_SHARE;
  const headers: Record<string, string> = {
    'user-agent': bot ? BOT : BROWSERS[nextVisitor % BROWSERS.length]!,
    'x-forwarded-for': ip,
    'cf-ipcountry': COUNTRIES[nextVisitor % COUNTRIES.length]!,
    accept: 'text/html,application/xhtml+xml',
  };
  const referrer = REFERRERS[nextVisitor % REFERRERS.length];
  if (referrer) headers.referer = referrer;
  return headers;
}

export interface LoadResult {
  /** Responses per second over the run. */
  rps: number;
  /** Latency of every response, in ms (autocannon's own histogram rounds to whole ms). */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  requests: number;
  /** 302 responses: redirects served. */
  redirects: number;
  /** Responses that were neither 2xx nor 3xx. */
  non2xx3xx: number;
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
  durationS: number;
  /** This process's CPU per request: the load generator's cost, which shares the machine with the server. */
  generatorCpuUsPerRequest: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return round2(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);
}

/** Drives `url` + `path` for `durationS` seconds with `connections` connections. */
export async function drive(url: string, opts: { path: string; connections: number; durationS: number }): Promise<LoadResult> {
  let latencies = new Float64Array(1 << 18);
  let recorded = 0;
  const instance = autocannon({
    url,
    connections: opts.connections,
    duration: opts.durationS,
    timeout: 10,
    requests: [
      {
        method: 'GET',
        path: opts.path,
        setupRequest: (request) => ({ ...request, headers: visitorHeaders() }),
      },
    ],
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTimeMs: number) => {
    if (recorded === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[recorded++] = responseTimeMs;
  });
  const cpuBefore = process.cpuUsage();
  const result = await instance;
  const cpu = process.cpuUsage(cpuBefore);
  const sorted = latencies.subarray(0, recorded).sort();
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
  const responses = Object.values(statusCodes).reduce((a, b) => a + b, 0);
  const durationS = (result.finish.getTime() - result.start.getTime()) / 1000;
  return {
    rps: Math.round(responses / durationS),
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: round2(sorted[sorted.length - 1] ?? 0),
    requests: responses,
    redirects: statusCodes['302'] ?? 0,
    non2xx3xx: responses - result['2xx'] - result['3xx'],
    statusCodes,
    errors: result.errors,
    timeouts: result.timeouts,
    durationS: round2(durationS),
    generatorCpuUsPerRequest: responses ? round2((cpu.user + cpu.system) / responses) : 0,
  };
}
