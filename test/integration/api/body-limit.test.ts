import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

/**
 * JSON bodies are limited to 1 MiB (app.ts): a declared Content-Length is checked from the header
 * before anything is read, a streamed body as it arrives. On a real socket as server.ts serves it,
 * and in-process, where bodies come without a length.
 */
const LIMIT = 1024 * 1024;
let h: Harness;
let server: ServerType;
let base: string;
beforeAll(async () => {
  h = await createHarness();
  await new Promise<void>((resolve) => {
    server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await h?.close();
});

/** A conversion body padded to `bytes` with metadata the route would refuse anyway (400), if it got that far. */
const bodyOf = (bytes: number) => {
  const head = JSON.stringify({ externalId: 'big', kind: 'signup', metadata: { pad: '' } });
  return head.replace('"pad":""', `"pad":"${'x'.repeat(Math.max(0, bytes - head.length))}"`);
};

describe('JSON body limit', () => {
  it('refuses a declared length over the limit with 413, and lets one under it through to validation', async () => {
    const w = await createWorld(h);
    const post = (body: string) =>
      fetch(`${base}/v1/track/conversions`, { method: 'POST', headers: { authorization: `Bearer ${w.apiKey}`, 'content-type': 'application/json' }, body });
    const over = await post(bodyOf(LIMIT + 1));
    expect(over.status).toBe(413);
    expect((await over.json()).error.code).toBe('payload_too_large');
    const under = await post(bodyOf(LIMIT - 10));
    expect(under.status).toBe(400);
    expect((await under.json()).error.details.issues.map((i: { field: string }) => i.field)).toEqual(['metadata.pad']);
  });

  it('refuses a streamed body once it passes the limit', async () => {
    const w = await createWorld(h);
    const chunks = [bodyOf(LIMIT + 1)];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(next));
      },
    });
    const res = await fetch(`${base}/v1/track/conversions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${w.apiKey}`, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    // In-process bodies carry no length at all: the streamed rule applies.
    const inProcess = await h.request('POST', '/v1/track/conversions', { token: w.apiKey, rawBody: bodyOf(LIMIT + 1), headers: { 'content-type': 'application/json' } });
    expect(inProcess.status).toBe(413);
  });
});
