import { createHash, generateKeyPairSync } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../../db/client.js';
import { withTransaction } from '../../../src/context.js';
import { TokenService } from '../../../src/core/auth/tokens.js';
import { parseInput } from '../../../src/core/validation.js';
import { secureDataAtRest } from '../../../src/secrets/at-rest.js';
import { createSecrets } from '../../../src/secrets/index.js';
import { emailHashKeyOf, keyedLegacyFingerprint } from '../../../src/tracking/conversions/email-hash.js';
import { trackFingerprint } from '../../../src/tracking/conversions/fingerprint.js';
import { TrackConversionInputSchema } from '../../../src/tracking/conversions/input.js';
import { signatureHeader } from '../../../src/tracking/conversions/signature.js';
import { fraudReasonsFor } from '../../../src/tracking/fraud/rules.js';
import { LogKeys } from '../../../src/transparency/log/keys.js';
import { openNote, parseVkey } from '../../../src/transparency/note.js';
import { createWorld } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { storedEmailHash } from '../../helpers/secrets.js';
import { attributionTo, insertConversion, insertCustomer } from '../commissions/fixtures.js';
import { apiKeyIdOf, conversionRow, sale, signup, track, TRACK } from '../conversions/fixtures.js';
import { rawRowsText } from './fixtures.js';

/**
 * A database written by a version before secrets were sealed and email hashes keyed: boot seals
 * and re-keys what it finds, once, and every feature works on the result.
 */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** Two processes booting at once on the database, each with its own (empty) caches. */
const bootTwice = () => Promise.all([1, 2].map(() => secureDataAtRest({ db: h.db, secrets: createSecrets(h.secrets.keyring), logger: h.logger })));

/** A signing_keys row as earlier versions wrote it: the private JWK in clear, made the active key of its purpose. */
async function installLegacyKey(purpose: 'access_token' | 'transparency_log', kid: string) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const privateJwk = privateKey.export({ format: 'jwk' });
  await h.db.execute(sql`update signing_keys set status = 'retired', retired_at = now() where purpose = ${purpose} and status = 'active'`);
  await h.db.execute(
    sql`insert into signing_keys (kid, purpose, algorithm, public_jwk, private_jwk, status)
        values (${kid}, ${purpose}, 'EdDSA', ${JSON.stringify(publicKey.export({ format: 'jwk' }))}::jsonb, ${JSON.stringify(privateJwk)}::jsonb, 'active')`,
  );
  return privateJwk.d!;
}

describe('rows an earlier version stored in clear', () => {
  it('are sealed at boot and emptied, once although two processes boot together, and every feature works on them', async () => {
    const w = await createWorld(h);
    const tokenKeyHalf = await installLegacyKey('access_token', 'k_legacyAccessKey1');
    const logKeyHalf = await installLegacyKey('transparency_log', 'tlog_legacy0000000001');
    const keyId = await apiKeyIdOf(h, w.program.id);
    await h.db.execute(sql`update api_keys set signing_secret = 'tsig_legacySecretOfAnEarlierVersion0000000' where id = ${keyId}`);
    const details = { method: 'sepa', iban: 'DE89370400440532013000' };
    await h.db.execute(sql`update affiliate_profiles set payout_details = ${JSON.stringify(details)}::jsonb where member_id = ${w.affiliate.member.id}`);
    await h.db.execute(
      sql`insert into audit_log (id, tenant_id, program_id, actor_type, action, entity_type, entity_id, after)
          values ('aud_legacy1', ${w.tenant.id}, ${w.program.id}, 'user', 'affiliate.created', 'affiliate', ${w.affiliate.member.id},
                  ${JSON.stringify({ status: 'approved', payoutDetails: details })}::jsonb)`,
    );

    await bootTwice();

    const raw = await rawRowsText(h);
    for (const plain of [tokenKeyHalf, logKeyHalf, 'tsig_legacySecretOfAnEarlierVersion0000000', 'DE89370400440532013000']) expect(raw).not.toContain(plain);
    const [left] = await queryRows<{ n: number | string }>(
      h.db,
      sql`select (select count(*) from signing_keys where private_jwk is not null or private_key_sealed is null)
               + (select count(*) from api_keys where signing_secret is not null)
               + (select count(*) from affiliate_profiles where payout_details is not null) as n`,
    );
    expect(Number(left!.n)).toBe(0);
    const [audit] = await queryRows<{ after: Record<string, unknown> }>(h.db, sql`select after from audit_log where id = 'aud_legacy1'`);
    expect(audit!.after).toEqual({ status: 'approved', payoutDetailsSet: true });

    // A second boot finds nothing left: the sealed values stay exactly as they are.
    const sealedNow = await queryRows(h.db, sql`select kid, private_key_sealed from signing_keys order by kid`);
    await bootTwice();
    expect(await queryRows(h.db, sql`select kid, private_key_sealed from signing_keys order by kid`)).toEqual(sealedNow);

    // A process started now signs tokens with the formerly clear key, and the API accepts them.
    const tokens = new TokenService(h.db, h.clock, h.config.ACCESS_TOKEN_TTL_SECONDS, h.secrets.keyring);
    await tokens.init();
    const { token } = await tokens.issue({ sub: w.admin.user.id, tid: w.tenant.id, role: 'admin', ver: 0 });
    expect((await h.request('GET', '/v1/users', { token })).status).toBe(200);
    // ...and checkpoints with the formerly clear log key.
    const log = new LogKeys(h.db, h.clock, h.log.origin, h.secrets.keyring);
    await log.init();
    expect(await log.activeKeyId()).toBe('tlog_legacy0000000001');
    const note = `${h.log.origin}\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n`;
    expect(openNote(await log.signNote(note), [parseVkey(await log.vkey())]).text).toBe(note);
    // The merchant's signing secret still verifies their calls (a fresh cache, as after a restart).
    h.tracking.apiKeys.clear();
    const body = sale();
    const signed = await h.request('POST', TRACK, {
      token: w.apiKey,
      rawBody: JSON.stringify(body),
      headers: { 'content-type': 'application/json', 'trellis-signature': signatureHeader('tsig_legacySecretOfAnEarlierVersion0000000', JSON.stringify(body), h.clock()) },
    });
    expect(signed.status).toBe(202);
    // The bank details read back, for the affiliate and for staff.
    for (const token of [w.tokens.affiliate, w.tokens.admin]) {
      const read = await h.request('GET', `/v1/programs/${w.program.id}/affiliates/${w.affiliate.member.id}`, { token });
      expect(read.body.affiliate.payoutDetails).toEqual(details);
    }
  });

  it('have their plain email hashes keyed at boot, once, and customers are still recognised and matched by email', async () => {
    // A tenant whose customers were tracked before: their rows rewritten as the earlier version wrote them.
    const w = await createWorld(h);
    const body = signup({ customer: { email: 'Lin@Example.com' } });
    const first = await track(h, w, body);
    expect(first.status).toBe(202);
    await h.jobs.idle();
    const tracked = await conversionRow(h, first.body.id);
    const plainFingerprint = trackFingerprint(parseInput(TrackConversionInputSchema, body), sha256('lin@example.com'));
    await h.db.execute(sql`update conversions set email_hash = ${sha256('lin@example.com')}, email_hmac = null, request_hash = ${plainFingerprint} where id = ${tracked.id}`);
    await h.db.execute(sql`update customers set email_hash = ${sha256('lin@example.com')}, email_hmac = null where id = ${tracked.customerId}`);
    // A tenant with no email key yet: a known customer, and an unprocessed sale from the affiliate's own address.
    const w2 = await createWorld(h);
    const customer = await insertCustomer(h, w2.program.id, { externalRef: null, legacyEmailSha256: sha256('max@example.com') });
    const own = await insertConversion(h, w2.program.id, { legacyEmailSha256: sha256(w2.affiliate.member.emailNormalized!) });

    await bootTwice();

    const rows = await queryRows<{ id: string; email_hash: string | null; email_hmac: string | null; request_hash: string }>(
      h.db,
      sql`select id, email_hash, email_hmac, request_hash from conversions where id in (${tracked.id}, ${own.id})
          union all select id, email_hash, email_hmac, null from customers where id in (${tracked.customerId}, ${customer.id}) order by id`,
    );
    expect(rows.every((r) => r.email_hash === null)).toBe(true);
    const hmacOf = (id: string) => rows.find((r) => r.id === id)!.email_hmac;
    expect(hmacOf(tracked.id)).toBe(await storedEmailHash(h, w.tenant.id, 'lin@example.com'));
    expect(hmacOf(tracked.customerId!)).toBe(hmacOf(tracked.id));
    expect(hmacOf(customer.id)).toBe(await storedEmailHash(h, w2.tenant.id, 'max@example.com'));
    expect(hmacOf(own.id)).toBe(await storedEmailHash(h, w2.tenant.id, w2.affiliate.member.emailNormalized!));
    // The payload fingerprint, which covered the plain hash, is keyed too.
    const key = await emailHashKeyOf(h.ctx(), w.tenant.id);
    expect(rows.find((r) => r.id === tracked.id)!.request_hash).toBe(keyedLegacyFingerprint(key, plainFingerprint));
    expect(await queryRows(h.db, sql`select tenant_id from tenant_secrets where tenant_id = ${w2.tenant.id}`)).toHaveLength(1);
    expect(await rawRowsText(h)).not.toContain(sha256('lin@example.com'));

    // Nothing is hashed twice.
    await bootTwice();
    expect(await queryRows(h.db, sql`select id, email_hmac, request_hash from conversions where id = ${tracked.id}`)).toEqual([
      { id: tracked.id, email_hmac: hmacOf(tracked.id), request_hash: keyedLegacyFingerprint(key, plainFingerprint) },
    ]);

    // The merchant's retry of the old call is still a replay; a new sale of the customer finds them.
    const replay = await track(h, w, body);
    expect(replay.status).toBe(202);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.id).toBe(tracked.id);
    // Another payload under that externalId is still a conflict.
    expect((await track(h, w, { ...body, customer: { email: 'lin@example.com', externalId: 'x' } })).status).toBe(409);
    const again = await track(h, w, sale({ customer: { email: 'LIN@example.com' } }));
    expect((await conversionRow(h, again.body.id)).customerId).toBe(tracked.customerId);
    const max = await track(h, w2, sale({ customer: { emailHash: sha256('max@example.com') } }));
    expect((await conversionRow(h, max.body.id)).customerId).toBe(customer.id);
    // And the affiliate's own address is still self-referral.
    const migrated = { ...own, legacyEmailSha256: null, emailHmac: hmacOf(own.id) };
    const reasons = await withTransaction(h.ctx(), (tx) => fraudReasonsFor(tx, migrated, attributionTo(w2.affiliate.member.id)));
    expect(reasons).toContain('self_referral');
  });
});
