import { z } from '@hono/zod-openapi';

/** Shared by the proof routes: tree sizes and indexes are non-negative safe integers in the query. */
export const treeSizeParam = (description: string) =>
  z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).openapi({ description, example: 1024 });

export const Base64Hash = z.string().openapi({ description: 'A 32-byte SHA-256 hash in standard base64.', example: 'q7mQ9m3r1oXc4d7c6m5c2p8o0kT0m3sQnY4mQ2xXy5U=' });

export const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
