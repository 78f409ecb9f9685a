import { canonicalJson } from '../canonical-json.js';

/**
 * canonicalJson({ ...body, type, v }) for log entries, without its general machinery: entries of
 * one type always have the same keys, so each key set is sorted once and its `"key":` prefixes
 * kept, and the flat values entries carry (strings, numbers, booleans, null, arrays of those) are
 * written directly. Anything else (nested objects, and whatever canonicalJson refuses) goes to
 * canonicalJson itself, so the bytes, and the errors, are exactly its own; a unit test compares
 * the two over many random entries. Entries are written on every conversion, in the API and the
 * worker, and the generic serialiser was most of their cost.
 */

interface Shape {
  keys: string[];
  /** `"key":`, with a leading comma after the first. */
  prefixes: string[];
}

const shapes = new Map<string, Shape>();
/** Entry types and versions are few; a flood of distinct key sets must not grow memory. */
const MAX_SHAPES = 256;

/** The key order of a key set; null when a key is one canonicalJson refuses (it says why). */
function shapeOf(bodyKeys: string[]): Shape | null {
  const id = JSON.stringify(bodyKeys);
  let shape = shapes.get(id);
  if (!shape) {
    if (!bodyKeys.every((k) => (k as WellFormedString).isWellFormed())) return null;
    const keys = [...new Set([...bodyKeys, 'type', 'v'])].sort();
    shape = { keys, prefixes: keys.map((k, i) => `${i ? ',' : ''}${canonicalJson(k)}:`) };
    if (shapes.size < MAX_SHAPES) shapes.set(id, shape);
  }
  return shape;
}

const UNHANDLED = Symbol('unhandled');

/** ES2024 (Node 20 has it; the project's TypeScript lib is ES2023). */
type WellFormedString = string & { isWellFormed(): boolean };

function flatValue(value: unknown): string | typeof UNHANDLED {
  switch (typeof value) {
    case 'string':
      // canonicalJson refuses lone surrogates; JSON.stringify is its escaping for the rest.
      return (value as WellFormedString).isWellFormed() ? JSON.stringify(value) : UNHANDLED;
    case 'number':
      return Number.isFinite(value) ? String(value) : UNHANDLED;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      return value === null ? 'null' : UNHANDLED;
    default:
      return UNHANDLED;
  }
}

function arrayValue(items: unknown[]): string | typeof UNHANDLED {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    if (!(i in items)) return UNHANDLED;
    const item = flatValue(items[i]);
    if (item === UNHANDLED) return UNHANDLED;
    out += i ? `,${item}` : item;
  }
  return `${out}]`;
}

/** The entry's canonical JSON text: byte for byte canonicalJson({ ...body, type, v }). */
export function entryJson(type: string, v: number, body: Record<string, unknown>): string {
  const whole = () => canonicalJson({ ...body, type, v });
  if (Object.getOwnPropertySymbols(body).length > 0) return whole();
  const shape = shapeOf(Object.keys(body));
  if (!shape) return whole();
  const { keys, prefixes } = shape;
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const value = key === 'type' ? type : key === 'v' ? v : body[key];
    let text = flatValue(value);
    if (text === UNHANDLED) text = Array.isArray(value) ? arrayValue(value) : UNHANDLED;
    if (text === UNHANDLED) return whole();
    out += prefixes[i]! + text;
  }
  return `${out}}`;
}
