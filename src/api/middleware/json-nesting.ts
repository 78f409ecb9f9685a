import type { MiddlewareHandler } from 'hono';
import { assertStorableInput, jsonNestsDeeperThan, MAX_INPUT_DEPTH } from '../../core/validation.js';
import type { AppEnv } from '../env.js';

/** The media types Hono's validator parses as JSON (not `application/x-ndjson`, which routes stream). */
export const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

/**
 * Refuses a JSON body nested deeper than MAX_INPUT_DEPTH before the validator parses it: zod's
 * refinements and JSON.stringify recurse over a parsed body and overflow the stack on a megabyte
 * of brackets. The text read here is the one the validator then parses (Hono caches it), so the
 * body is still parsed once; only a body that is too deep is parsed here, to name the field.
 */
export const limitJsonNesting: MiddlewareHandler<AppEnv> = async (c, next) => {
  const mediaType = c.req.header('content-type')?.split(';')[0]!.trim() ?? '';
  if (JSON_MEDIA_TYPE.test(mediaType)) {
    const text = await c.req.text();
    if (jsonNestsDeeperThan(text, MAX_INPUT_DEPTH)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        // Not JSON: the validator answers malformed_json.
      }
      assertStorableInput(parsed);
    }
  }
  await next();
};
