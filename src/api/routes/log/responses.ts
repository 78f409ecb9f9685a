import { z } from '@hono/zod-openapi';

/** Shared pieces of the /log/* routes (C2SP tlog-tiles): plain-text and binary bodies. */

export const TEXT = 'text/plain; charset=utf-8';
export const OCTETS = 'application/octet-stream';
/** A tile or bundle URL names an exact width, so its content never changes. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

export const textBody = (description: string, example?: string) => ({
  description,
  content: { [TEXT]: { schema: z.string().openapi(example ? { example } : {}) } },
});

export const binaryBody = (description: string) => ({
  description,
  content: { [OCTETS]: { schema: z.string().openapi({ format: 'binary' }) } },
});

/** A non-JSON answer; the typed handlers only describe JSON, so it is returned as is. */
export function rawResponse(body: string | Uint8Array, contentType: string, cacheControl: string): never {
  return new Response(body as BodyInit, { status: 200, headers: { 'Content-Type': contentType, 'Cache-Control': cacheControl } }) as never;
}
