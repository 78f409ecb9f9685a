import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../../db/client.js';
import { SEALED_COLUMNS, sealedAt, TenantKeys } from '../../../src/secrets/index.js';
import { signatureHeader } from '../../../src/tracking/conversions/signature.js';
import { openNote, parseVkey } from '../../../src/transparency/note.js';
import { createWorld, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { apiKeyIdOf, sale, signup, track, TRACK } from '../conversions/fixtures.js';
import { rawRowsText } from './fixtures.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const IBAN = 'DE89370400440532013000';
const affiliatePath = (w: World, memberId: string) => `/v1/programs/${w.program.id}/affiliates/${memberId}`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The private halves (`d`) of every signing key, opened from their sealed rows. */
async function privateKeyHalves(): Promise<string[]> {
  const rows = await queryRows<{ kid: string; private_key_sealed: string }>(h.db, sql`select kid, private_key_sealed from signing_keys`);
  return rows.map((r) => String(h.secrets.keyring.openJson<{ d: string }>(r.private_key_sealed, sealedAt(SEALED_COLUMNS.signingKey, r.kid)).d));
}

describe('secrets at rest', () => {
  it('keeps no signing private key, bank detail, request-signing secret or plain email hash in the database, and everything that needs them works', async () => {
    const w = await createWorld(h);
    // Token login: the access-token key signs, the API verifies.
    const login = await h.request('POST', '/v1/auth/login', { body: { email: w.admin.email, password: w.admin.password } });
    expect(login.status).toBe(200);
    expect((await h.request('GET', '/v1/users', { token: login.body.accessToken })).status).toBe(200);

    // Bank details: set by the affiliate, read back by them and by staff (admin, DE manager, the list).
    const details = { method: 'sepa', iban: IBAN, holder: 'Ada Affiliate' };
    const path = affiliatePath(w, w.affiliate.member.id);
    expect((await h.request('PATCH', path, { token: w.tokens.affiliate, body: { payoutDetails: details } })).status).toBe(200);
    for (const token of [w.tokens.affiliate, w.tokens.admin, w.tokens.regional_manager]) {
      const read = await h.request('GET', path, { token });
      expect(read.status).toBe(200);
      expect(read.body.affiliate.payoutDetails).toEqual(details);
    }
    const listed = await h.request('GET', `/v1/programs/${w.program.id}/affiliates`, { token: w.tokens.admin });
    expect(listed.body.data.find((a: { id: string }) => a.id === w.affiliate.member.id).affiliate.payoutDetails).toEqual(details);
    // Enrolled with details by staff: the audit entry says they are set, not what they are.
    const enrolled = await h.request('POST', `/v1/programs/${w.program.id}/affiliates`, {
      token: w.tokens.admin,
      body: { member: { name: 'Bo Publisher', email: 'bo@example.test', country: 'DE' }, payoutDetails: { method: 'sepa', iban: 'FR7630006000011234567890189' } },
    });
    expect(enrolled.status).toBe(201);
    expect(enrolled.body.affiliate.payoutDetails).toEqual({ method: 'sepa', iban: 'FR7630006000011234567890189' });
    const [audit] = await queryRows<{ after: Record<string, unknown> }>(h.db, sql`select after from audit_log where action = 'affiliate.created' and entity_id = ${enrolled.body.id}`);
    expect(audit!.after).toMatchObject({ payoutDetailsSet: true });
    expect(audit!.after).not.toHaveProperty('payoutDetails');

    // Request signatures: the secret is shown once, sealed at rest, and verifies signed calls.
    const keyId = await apiKeyIdOf(h, w.program.id);
    const issued = await h.request('POST', `/v1/api-keys/${keyId}/signing-secret`, { token: w.admin.token });
    const secret: string = issued.body.signingSecret;
    const body = sale();
    const signed = await h.request('POST', TRACK, {
      token: w.apiKey,
      rawBody: JSON.stringify(body),
      headers: { 'content-type': 'application/json', 'trellis-signature': signatureHeader(secret, JSON.stringify(body), h.clock()) },
    });
    expect(signed.status).toBe(202);

    // A customer's email: stored keyed only.
    expect((await track(h, w, signup({ customer: { email: 'Grace.Hopper@Example.com' } }))).status).toBe(202);
    await h.jobs.idle();

    // Checkpoints: the log key signs, the published vkey verifies.
    const body0 = `${h.log.origin}\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n`;
    expect(openNote(await h.log.signNote(body0), [parseVkey(await h.log.vkey())]).text).toBe(body0);

    // Read as the database holds it: nothing of the above in clear.
    const raw = await rawRowsText(h);
    const halves = await privateKeyHalves();
    expect(halves.length).toBeGreaterThanOrEqual(2);
    for (const plain of [...halves, IBAN, 'FR7630006000011234567890189', 'Ada Affiliate', secret, 'grace.hopper@example.com', sha256('grace.hopper@example.com')]) {
      expect(raw).not.toContain(plain);
    }
    const [legacy] = await queryRows<{ n: number | string }>(
      h.db,
      sql`select (select count(*) from signing_keys where private_jwk is not null or private_key_sealed is null)
               + (select count(*) from api_keys where signing_secret is not null)
               + (select count(*) from affiliate_profiles where payout_details is not null)
               + (select count(*) from customers where email_hash is not null)
               + (select count(*) from conversions where email_hash is not null) as n`,
    );
    expect(Number(legacy!.n)).toBe(0);
  });

  it('does not open bank details copied into another affiliate’s row', async () => {
    const w = await createWorld(h);
    const other = await h.request('POST', `/v1/programs/${w.program.id}/affiliates`, {
      token: w.tokens.admin,
      body: { member: { name: 'Eve Publisher', email: 'eve@example.test', country: 'DE' } },
    });
    expect((await h.request('PATCH', affiliatePath(w, w.affiliate.member.id), { token: w.tokens.affiliate, body: { payoutDetails: { iban: IBAN } } })).status).toBe(200);
    // Someone with write access to the table copies Ada's sealed details into Eve's row.
    await h.db.execute(
      sql`update affiliate_profiles set payout_details_sealed = (select payout_details_sealed from affiliate_profiles where member_id = ${w.affiliate.member.id})
          where member_id = ${other.body.id}`,
    );
    const read = await h.request('GET', affiliatePath(w, other.body.id), { token: w.tokens.admin });
    expect(read.status).toBe(500);
    expect(JSON.stringify(read.body)).not.toContain(IBAN);
  });

  it('makes a tenant’s email hash key once, sealed, even when two processes need it at the same moment', async () => {
    const w = await createWorld(h);
    const processes = [new TenantKeys(h.secrets.keyring), new TenantKeys(h.secrets.keyring)];
    const [a, b] = await Promise.all(processes.map((keys) => keys.get({ db: h.db }, w.tenant.id, 'email_hash')));
    expect(a!.equals(b!)).toBe(true);
    const rows = await queryRows<{ sealed: string }>(h.db, sql`select sealed from tenant_secrets where tenant_id = ${w.tenant.id}`);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.sealed).toMatch(/^sealed\.v1\./);
    expect(rows[0]!.sealed).not.toContain(a!.toString('hex'));
    // Held in memory from then on.
    expect(processes[0]!.cached(w.tenant.id, 'email_hash')!.equals(a!)).toBe(true);
  });
});
