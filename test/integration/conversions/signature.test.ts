import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys, auditLog } from '../../../db/schema/index.js';
import { signatureHeader, signPayload } from '../../../src/tracking/conversions/signature.js';
import { createWorld, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { apiKeyIdOf, conversionsOf, sale, TRACK } from './fixtures.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

async function issueSecret(w: World): Promise<string> {
  const keyId = await apiKeyIdOf(h, w.program.id);
  const res = await h.request('POST', `/v1/api-keys/${keyId}/signing-secret`, { token: w.admin.token });
  expect(res.status).toBe(201);
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.body).toMatchObject({ keyId, programId: w.program.id });
  return res.body.signingSecret;
}

/** Sends `body` exactly as signed (the signature covers the raw bytes). */
function signedCall(w: World, path: string, body: unknown, signature?: string) {
  return h.request('POST', path, {
    token: w.apiKey,
    rawBody: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...(signature ? { 'trellis-signature': signature } : {}) },
  });
}

describe('merchant call signatures', () => {
  it('accepts a valid signature and refuses a wrong, stale or malformed one (401), storing nothing', async () => {
    const w = await createWorld(h);
    const secret = await issueSecret(w);
    expect(secret).toMatch(/^tsig_[0-9A-Za-z]{40}$/);
    const good = sale();
    const ok = await signedCall(w, TRACK, good, signatureHeader(secret, JSON.stringify(good), h.clock()));
    expect(ok.status).toBe(202);

    const body = sale();
    const raw = JSON.stringify(body);
    const t = Math.floor(h.clock().getTime() / 1000);
    const refused = [
      signatureHeader('tsig_another-secret', raw, h.clock()),
      // Signed for other bytes than those sent.
      signatureHeader(secret, JSON.stringify({ ...body, amount: 1 }), h.clock()),
      // Ten minutes old: a captured request replayed later.
      `t=${t - 600},v1=${signPayload(secret, t - 600, raw)}`,
      `v1=${signPayload(secret, t, raw)}`,
      'garbage',
    ];
    for (const signature of refused) {
      const res = await signedCall(w, TRACK, body, signature);
      expect(res.status, signature).toBe(401);
      expect(res.body.error.code).toBe('invalid_signature');
    }
    expect((await conversionsOf(h, w.program.id)).map((c) => c.externalId)).toEqual([good.externalId]);
    await h.jobs.idle();
  });

  it('lets unsigned calls through unless the program requires signatures', async () => {
    const w = await createWorld(h);
    expect((await signedCall(w, TRACK, sale())).status).toBe(202);
    const patch = await h.request('PATCH', `/v1/programs/${w.program.id}`, { token: w.admin.token, body: { settings: { conversions: { requireSignature: true } } } });
    expect(patch.status).toBe(200);

    const unsigned = await signedCall(w, TRACK, sale());
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.error.code).toBe('signature_required');
    // Required but no secret issued yet: nothing can be verified.
    const body = sale();
    const noSecret = await signedCall(w, TRACK, body, signatureHeader('tsig_guess', JSON.stringify(body), h.clock()));
    expect(noSecret.body.error.code).toBe('invalid_signature');

    const secret = await issueSecret(w);
    const signed = await signedCall(w, TRACK, body, signatureHeader(secret, JSON.stringify(body), h.clock()));
    expect(signed.status).toBe(202);
    // The other merchant calls are signed the same way; an empty body signs as the empty string.
    const complete = await h.request('POST', `${TRACK}/${signed.body.id}/complete`, { token: w.apiKey, headers: { 'trellis-signature': signatureHeader(secret, '', h.clock()) } });
    expect(complete.status).toBe(200);
    const unsignedRefund = await signedCall(w, `${TRACK}/${signed.body.id}/refunds`, { refundId: 'r1', amount: 100 });
    expect(unsignedRefund.status).toBe(401);
    expect(await conversionsOf(h, w.program.id)).toHaveLength(2);
    await h.jobs.idle();
  });

  it('replaces the previous secret on rotation, audits it without the secret, and keeps keys to their tenant', async () => {
    const w = await createWorld(h);
    const old = await issueSecret(w);
    const current = await issueSecret(w);
    expect(current).not.toBe(old);
    const body = sale();
    expect((await signedCall(w, TRACK, body, signatureHeader(old, JSON.stringify(body), h.clock()))).status).toBe(401);
    // During a rotation a client may sign with both; one valid signature is enough.
    const t = Math.floor(h.clock().getTime() / 1000);
    const both = `t=${t},v1=${signPayload(old, t, JSON.stringify(body))},v1=${signPayload(current, t, JSON.stringify(body))}`;
    expect((await signedCall(w, TRACK, body, both)).status).toBe(202);

    const keyId = await apiKeyIdOf(h, w.program.id);
    const audits = await h.db.select().from(auditLog).where(eq(auditLog.entityId, keyId));
    const rotations = audits.filter((a) => a.action === 'api_key.signing_secret_rotated');
    expect(rotations).toHaveLength(2);
    expect(JSON.stringify(rotations)).not.toContain(current);
    expect(JSON.stringify(rotations)).not.toContain(old);

    const other = await createWorld(h);
    const foreign = await h.request('POST', `/v1/api-keys/${keyId}/signing-secret`, { token: other.admin.token });
    expect(foreign.status).toBe(404);
    await h.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, keyId));
    expect((await h.request('POST', `/v1/api-keys/${keyId}/signing-secret`, { token: w.admin.token })).status).toBe(422);
    await h.jobs.idle();
  });
});
