import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatVkey, ed25519PublicKeyBytes } from '../../../src/transparency/note.js';
import { verifySignedCheckpoint } from '../../../web/src/verify/checkpoint.js';
import { VerifyFailure } from '../../../web/src/verify/failure.js';
import { parseVkey } from '../../../web/src/verify/note.js';
import { FakeLog, ORIGIN } from './fake-log.js';

// The checkpoint and vkey of docs/verification.md, which openssl verifies there.
const DOC_VKEY = 'trellis.localhost/log+cf508830+AXjCgANmIGNkUtaR+dYmUP6Sx0LEo7/bFT1/ZMlHRt0/';
const DOC_NOTE =
  'trellis.localhost/log\n5\ntTlpwABurEWnguPqfW286joDMxb59TN/mIRy8dG+VnE=\n\n— trellis.localhost/log z1CIMLwHFGWleeEe4TZb+GhM7kTrl14U8KCSjki/1ROCGpoJTdl5qYvZP0IXLJf5q1JDQ0EdAhM00ILSBT3ShVBmwAw=\n';

async function failureCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof VerifyFailure) return err.code;
    throw err;
  }
  return 'no failure';
}

describe('signed checkpoints in the browser (WebCrypto Ed25519)', () => {
  it('verifies the documented checkpoint with the documented vkey', async () => {
    const c = await verifySignedCheckpoint(DOC_NOTE, DOC_VKEY);
    expect(c).toMatchObject({ origin: 'trellis.localhost/log', size: 5, rootBase64: 'tTlpwABurEWnguPqfW286joDMxb59TN/mIRy8dG+VnE=', cosignatures: 0 });
  });

  it('fails a checkpoint whose text was changed after signing', async () => {
    expect(await failureCode(verifySignedCheckpoint(DOC_NOTE.replace('\n5\n', '\n6\n'), DOC_VKEY))).toBe('signature_invalid');
  });

  it('verifies a checkpoint signed by the log code, keeping witness lines aside', async () => {
    const log = new FakeLog();
    log.append({ type: 'x', v: 1 });
    log.sequence();
    const witness = '— witness.example AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n';
    const c = await verifySignedCheckpoint(log.note() + witness, log.vkey);
    expect(c).toMatchObject({ origin: ORIGIN, size: 1, cosignatures: 1 });
  });

  it('fails a checkpoint signed by another key, and one of another origin', async () => {
    const log = new FakeLog();
    const other = generateKeyPairSync('ed25519').privateKey;
    expect(await failureCode(verifySignedCheckpoint(log.note(), formatVkey(ORIGIN, ed25519PublicKeyBytes(other))))).toBe('not_signed_by_log');
    expect(await failureCode(verifySignedCheckpoint(DOC_NOTE, log.vkey))).toBe('not_signed_by_log');
    const renamed = new FakeLog(log.privateKey);
    const otherOriginVkey = formatVkey('other.example/log', ed25519PublicKeyBytes(renamed.privateKey));
    expect(await failureCode(verifySignedCheckpoint(log.note(), otherOriginVkey))).toBe('not_signed_by_log');
  });

  it('rejects malformed vkeys and notes', async () => {
    expect(await failureCode(parseVkey('no-pluses'))).toBe('vkey_malformed');
    expect(await failureCode(parseVkey(DOC_VKEY.replace('cf508830', 'cf508831')))).toBe('vkey_malformed');
    expect(await failureCode(verifySignedCheckpoint('trellis.localhost/log\n5\n', DOC_VKEY))).toBe('checkpoint_malformed');
    expect(await failureCode(verifySignedCheckpoint(DOC_NOTE.replace('tTlp', 'tTl'), DOC_VKEY))).toBe('signature_invalid');
  });
});
