/**
 * RFC 8785 JSON Canonicalization Scheme: the exact bytes a log entry's leaf hash covers, so any
 * verifier re-serialising the entry gets the same hash. Only JSON's own data model is accepted:
 * anything JSON.stringify would silently drop or convert (undefined, functions, Dates, Maps,
 * class instances) is a bug in the caller and throws, so an entry never means something other
 * than what was hashed. Dates are passed as ISO strings.
 */

export class CanonicalJsonError extends Error {
  override name = 'CanonicalJsonError';
}

// A lone surrogate (\p{Cs} in a u-regex only matches unpaired ones) has no UTF-8 encoding; I-JSON forbids it.
const LONE_SURROGATE = /\p{Cs}/u;

function serialiseString(s: string, path: string): string {
  if (LONE_SURROGATE.test(s)) throw new CanonicalJsonError(`string with a lone surrogate at ${path}`);
  // RFC 8785 §3.2.2.2 escaping is exactly ECMAScript's JSON.stringify for well-formed strings.
  return JSON.stringify(s);
}

function serialiseNumber(n: number, path: string): string {
  if (!Number.isFinite(n)) throw new CanonicalJsonError(`${n} at ${path} is not a JSON number`);
  // RFC 8785 §3.2.2.3 is ECMAScript's Number::toString; String(-0) is already "0".
  return String(n);
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function serialise(value: unknown, path: string, open: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return serialiseString(value, path);
    case 'number':
      return serialiseNumber(value, path);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      throw new CanonicalJsonError(`${typeof value} at ${path} has no JSON form`);
  }
  if (value === null) return 'null';
  if (open.has(value)) throw new CanonicalJsonError(`circular reference at ${path}`);
  open.add(value);
  try {
    if (Array.isArray(value)) {
      const items: string[] = [];
      for (let i = 0; i < value.length; i++) {
        if (!(i in value)) throw new CanonicalJsonError(`hole in array at ${path}[${i}]`);
        items.push(serialise(value[i], `${path}[${i}]`, open));
      }
      return `[${items.join(',')}]`;
    }
    if (!isPlainObject(value)) {
      const kind = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      throw new CanonicalJsonError(`${kind} at ${path} is not a plain object (pass dates as ISO strings)`);
    }
    if (Object.getOwnPropertySymbols(value).length > 0) throw new CanonicalJsonError(`symbol key at ${path}`);
    // Default sort compares UTF-16 code units, which is what RFC 8785 §3.2.3 asks for.
    const keys = Object.keys(value).sort();
    const members = keys.map((k) => `${serialiseString(k, path)}:${serialise(value[k], `${path}.${k}`, open)}`);
    return `{${members.join(',')}}`;
  } finally {
    open.delete(value);
  }
}

/** RFC 8785 JCS; throws CanonicalJsonError on non-finite numbers, undefined, bigint, non-plain objects... */
export function canonicalJson(value: unknown): string {
  return serialise(value, '$', new Set());
}
