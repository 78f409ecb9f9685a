import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_EXTENSION } from '../../../src/api/openapi.js';
import { createWorld } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

/**
 * Generic over the live OpenAPI document: whatever a caller sends, bad input gets a 4xx in the
 * error envelope, never a 500. Each operation is called by a principal allowed to call it, on
 * real ids of its own world, with bodies and parameters that are empty, of the wrong type or junk.
 */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const JUNK_BODIES: unknown[] = [{}, [], 'text', 42, null, { programId: 123, points: 'many', email: 7, amount: -1, name: {}, status: 'nope' }];

describe('bad input never answers 500', () => {
  it('answers every operation with a 4xx envelope for empty and junk input', async () => {
    const w = await createWorld(h);
    const doc = await h.request('GET', '/openapi.json');
    const ids: Record<string, string> = { programId: w.program.id, memberId: w.affiliate.member.id, userId: w.manager.user.id, marketId: w.markets[0]!.id };
    const problems: string[] = [];
    let calls = 0;
    for (const [path, item] of Object.entries<Record<string, any>>(doc.body.paths)) {
      for (const method of ['post', 'put', 'patch', 'get', 'delete']) {
        const op = item[method];
        if (!op) continue;
        const access: unknown = op[ACCESS_EXTENSION];
        const principal = access === 'public' ? undefined : (access as string[]).includes('admin') ? 'admin' : (access as string[])[0]!;
        const token = principal ? w.tokens[principal as keyof typeof w.tokens] : undefined;
        // Unknown ids (tiers, keys...) are left as junk: a 404 is a fine answer, a 500 is not.
        const url = path.replace(/\{([^}]+)\}/g, (_, name: string) => ids[name] ?? 'junk%20id') + '?limit=-5&cursor=%00&format=xml&dryRun=perhaps';
        const bodies = method === 'get' || method === 'delete' ? [undefined] : JUNK_BODIES;
        for (const body of bodies) {
          calls++;
          const res = await h.request(method.toUpperCase(), url, {
            token,
            rawBody: body === undefined ? undefined : JSON.stringify(body),
            headers: body === undefined ? {} : { 'content-type': 'application/json' },
          });
          if (res.status >= 500 || (res.status >= 400 && !res.body?.error?.code)) {
            problems.push(`${method.toUpperCase()} ${path} body=${JSON.stringify(body)}: ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`);
          }
        }
      }
    }
    expect(calls).toBeGreaterThan(100);
    expect(problems).toEqual([]);
  });
});
