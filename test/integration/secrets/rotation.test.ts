import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../../db/client.js';
import { openSigningSecret } from '../../../src/core/auth/api-key-cache.js';
import { TokenService } from '../../../src/core/auth/tokens.js';
import { getAffiliate } from '../../../src/core/members/affiliates.js';
import { createSecrets, Keyring, SEALED_COLUMNS, sealedAt, TenantKeys, UnknownSecretKeyError } from '../../../src/secrets/index.js';
import { rotateSecrets } from '../../../src/secrets/rotate.js';
import { LogKeys } from '../../../src/transparency/log/keys.js';
import { openNote, parseVkey } from '../../../src/transparency/note.js';
import { createWorld } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { randomSecretKey } from '../../helpers/secrets.js';
import { apiKeyIdOf, signup, track } from '../conversions/fixtures.js';
import { sealedValues } from './fixtures.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const keyOf = (base64: string) => Buffer.from(base64, 'base64');

describe('rotating SECRET_KEY', () => {
  it('re-seals every value so that it opens under the new key alone; a second run changes nothing, and a run that stopped half-way is completed', async () => {
    const w = await createWorld(h);
    const keyId = await apiKeyIdOf(h, w.program.id);
    const secret: string = (await h.request('POST', `/v1/api-keys/${keyId}/signing-secret`, { token: w.admin.token })).body.signingSecret;
    const details = { method: 'sepa', iban: 'DE89370400440532013000' };
    await h.request('PATCH', `/v1/programs/${w.program.id}/affiliates/${w.affiliate.member.id}`, { token: w.tokens.affiliate, body: { payoutDetails: details } });
    expect((await track(h, w, signup({ customer: { email: 'ada@example.com' } }))).status).toBe(202);
    const emailKey = (await new TenantKeys(h.secrets.keyring).get({ db: h.db }, w.tenant.id, 'email_hash')).toString('hex');

    const newKey = randomSecretKey();
    // Every process now runs with SECRET_KEY=<new>, SECRET_KEY_PREVIOUS=<old>.
    const rotating = new Keyring(keyOf(newKey), [keyOf(h.config.SECRET_KEY!)]);
    // A run that stopped after its first value: that one is under the new key already.
    const [profile] = await queryRows<{ payout_details_sealed: string }>(h.db, sql`select payout_details_sealed from affiliate_profiles where member_id = ${w.affiliate.member.id}`);
    const at = sealedAt(SEALED_COLUMNS.payoutDetails, w.affiliate.member.id);
    await h.db.execute(sql`update affiliate_profiles set payout_details_sealed = ${rotating.reseal(profile!.payout_details_sealed, at)} where member_id = ${w.affiliate.member.id}`);

    const before = await sealedValues(h);
    const first = await rotateSecrets({ db: h.db, keyring: rotating, logger: h.logger });
    expect(first.keyId).toBe(rotating.current.id);
    const total = Object.values(first.resealed).reduce((a, b) => a + b, 0);
    expect(total).toBe(before.filter((v) => !rotating.sealedWithCurrent(v.sealed)).length);
    expect(first.resealed['signing_keys.private_key_sealed']).toBeGreaterThanOrEqual(2);
    expect(first.resealed['api_keys.signing_secret_sealed']).toBeGreaterThanOrEqual(1);
    expect(first.resealed['tenant_secrets.sealed']).toBeGreaterThanOrEqual(1);
    const after = await sealedValues(h);
    expect(after.every((v) => v.sealed.startsWith(`sealed.v1.${rotating.current.id}.`))).toBe(true);
    // Only the data keys were re-wrapped: the encrypted data is the same bytes.
    expect(after.map((v) => v.sealed.split('.')[4])).toEqual(before.map((v) => v.sealed.split('.')[4]));

    const again = await rotateSecrets({ db: h.db, keyring: rotating, logger: h.logger });
    expect(Object.values(again.resealed).every((n) => n === 0)).toBe(true);
    expect(await sealedValues(h)).toEqual(after);

    // A process with the new key only (SECRET_KEY_PREVIOUS removed) has everything it needs.
    const newOnly = createSecrets(new Keyring(keyOf(newKey)));
    const tokens = new TokenService(h.db, h.clock, h.config.ACCESS_TOKEN_TTL_SECONDS, newOnly.keyring);
    await tokens.init();
    const { token } = await tokens.issue({ sub: w.admin.user.id, tid: w.tenant.id, role: 'admin', ver: 0 });
    expect((await h.request('GET', '/v1/users', { token })).status).toBe(200);
    const log = new LogKeys(h.db, h.clock, h.log.origin, newOnly.keyring);
    const note = `${h.log.origin}\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n`;
    expect(openNote(await log.signNote(note), [parseVkey(await log.vkey())]).text).toBe(note);
    const [key] = await queryRows<{ signing_secret_sealed: string }>(h.db, sql`select signing_secret_sealed from api_keys where id = ${keyId}`);
    expect(openSigningSecret(newOnly.keyring, keyId, key!.signing_secret_sealed)).toBe(secret);
    expect((await getAffiliate({ ...h.ctx(), secrets: newOnly }, w.program.id, w.affiliate.member.id)).affiliate.payoutDetails).toEqual(details);
    // The tenant's email key is the same key (only its wrapping changed): stored hashes still match.
    expect((await newOnly.tenantKeys.get({ db: h.db }, w.tenant.id, 'email_hash')).toString('hex')).toBe(emailKey);
    // The old key alone opens nothing any more.
    expect(() => h.secrets.keyring.open(key!.signing_secret_sealed, sealedAt(SEALED_COLUMNS.apiKeySigningSecret, keyId))).toThrow(UnknownSecretKeyError);
  });

  it('stops at a value under a key it was not given, naming the key, and leaves that value as it was', async () => {
    // Its own database: the other test leaves this one under a key of its own.
    const other = await createHarness();
    try {
      const w = await createWorld(other);
      const stranger = new Keyring(keyOf(randomSecretKey()));
      const sealed = stranger.sealJson({ iban: 'x' }, sealedAt(SEALED_COLUMNS.payoutDetails, w.affiliate.member.id));
      await other.db.execute(sql`update affiliate_profiles set payout_details_sealed = ${sealed} where member_id = ${w.affiliate.member.id}`);
      const rotating = new Keyring(keyOf(randomSecretKey()), [keyOf(other.config.SECRET_KEY!)]);
      await expect(rotateSecrets({ db: other.db, keyring: rotating, logger: other.logger })).rejects.toThrow(new RegExp(`affiliate_profiles.* sealed with key ${stranger.current.id}`));
      expect((await sealedValues(other)).find((v) => v.rowId === w.affiliate.member.id)!.sealed).toBe(sealed);
    } finally {
      await other.close();
    }
  });
});
