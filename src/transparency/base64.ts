/**
 * Strict standard base64 (RFC 4648 §4, padded) for signed notes and checkpoints. Buffer's decoder
 * skips junk and ignores padding bits, so two spellings could decode to the same bytes; a
 * signed format must have one.
 */

const CANONICAL = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** The bytes, or null unless `text` is the one canonical padded base64 spelling of them. */
export function decodeBase64Strict(text: string): Uint8Array | null {
  if (!CANONICAL.test(text)) return null;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) return null;
  return new Uint8Array(bytes);
}
