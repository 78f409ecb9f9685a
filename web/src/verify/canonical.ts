/**
 * RFC 8785 (JCS) check: an entry's bytes must be the canonical serialisation of the value they
 * hold, as the log writes them, so no two texts of one entry can hash differently.
 */

function serialise(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error('not a JSON number');
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (Array.isArray(value)) return `[${value.map(serialise).join(',')}]`;
      // Default sort compares UTF-16 code units, which is RFC 8785 §3.2.3's order.
      return `{${Object.keys(value)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${serialise((value as Record<string, unknown>)[k])}`)
        .join(',')}}`;
    default:
      throw new Error(`${typeof value} has no JSON form`);
  }
}

/** The parsed object when `text` is canonical JSON of an object, else null. */
export function parseCanonicalObject(text: string): Record<string, unknown> | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  // A lone surrogate has no UTF-8 form, so it cannot be in a logged entry.
  if (/\p{Cs}/u.test(text)) return null;
  return serialise(value) === text ? (value as Record<string, unknown>) : null;
}
