import { describe, expect, it } from 'vitest';
import { mergeProgramSettings } from '../../../src/core/programs/settings.js';
import { ValidationError } from '../../../src/errors.js';

describe('mergeProgramSettings', () => {
  const stored = { points: { pendingDays: 7 }, custom: { a: 1, b: 2 } };
  it.each([
    ['merges a namespace key by key', { points: { expiryMonths: 12 } }, { points: { pendingDays: 7, expiryMonths: 12 }, custom: { a: 1, b: 2 } }],
    ['leaves namespaces not mentioned alone', {}, stored],
    ['removes a namespace set to null', { custom: null }, { points: { pendingDays: 7 } }],
    ['adds a namespace without a schema as given', { brandNew: { x: [1] } }, { ...stored, brandNew: { x: [1] } }],
    ['keeps what the caller wrote, not parsed defaults', { segments: { windowDays: 90 } }, { ...stored, segments: { windowDays: 90 } }],
  ])('%s', (_name, patch, expected) => {
    expect(mergeProgramSettings(stored, patch)).toEqual(expected);
  });

  it.each([
    ['a known namespace failing its schema', { points: { pendingDays: -1 } }, 'settings.points.pendingDays'],
    ['a namespace that is not an object', { points: 3 }, 'settings.points'],
    ['a namespace given as an array', { custom: [1] }, 'settings.custom'],
    ['an odd namespace name', { 'Bad Name': {} }, 'settings.Bad Name'],
    ['settings that are not an object', ['points'], 'settings'],
  ])('refuses %s, naming the field', (_name, patch, field) => {
    try {
      mergeProgramSettings(stored, patch);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).issues.map((i) => i.field)).toContain(field);
    }
  });

  it('does not touch the stored object', () => {
    const copy = structuredClone(stored);
    mergeProgramSettings(stored, { points: { expiryMonths: 1 }, custom: null });
    expect(stored).toEqual(copy);
  });
});
