import { canonicalJson } from '../canonical-json.js';
import { ENTRY_SCHEMAS, type EntryType } from '../entries/schemas.js';
import type { VerificationReport } from './report.js';
import type { RebuiltTree } from './tree.js';

const MAX_LINES = 10;

/**
 * Each entry must be canonical JSON (RFC 8785: the bytes are the one serialisation of its value)
 * and, when its type is one this verifier knows, match that type's schema. Types it does not know
 * (a newer log) are counted, not failed.
 */
export function checkEntryFormats(tree: RebuiltTree, report: VerificationReport): void {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const problems: string[] = [];
  const unknown = new Map<string, number>();
  tree.entries.forEach((bytes, i) => {
    let text: string;
    let value: { type?: unknown };
    try {
      text = decoder.decode(bytes);
      value = JSON.parse(text);
    } catch {
      return void problems.push(`entry ${i} is not JSON in UTF-8`);
    }
    try {
      if (canonicalJson(value) !== text) return void problems.push(`entry ${i} is not canonical JSON (RFC 8785)`);
    } catch (err) {
      return void problems.push(`entry ${i} is not canonical JSON (RFC 8785): ${(err as Error).message}`);
    }
    const type = typeof value?.type === 'string' ? value.type : undefined;
    const schema = type ? ENTRY_SCHEMAS[type as EntryType] : undefined;
    if (!schema) return void unknown.set(String(type), (unknown.get(String(type)) ?? 0) + 1);
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      problems.push(`entry ${i} is not a valid ${type} entry: ${issue?.path.join('.') || '(entry)'}: ${issue?.message}`);
    }
  });
  if (problems.length) {
    report.failures.push(...problems.slice(0, MAX_LINES));
    if (problems.length > MAX_LINES) report.failures.push(`… and ${problems.length - MAX_LINES} more malformed entries`);
    return;
  }
  const others = [...unknown.entries()].map(([t, n]) => `${n} of type ${t}`).join(', ');
  report.checked.push(`every entry is canonical JSON and matches its type's schema${others ? ` (not known to this verifier, not checked: ${others})` : ''}`);
}
