import { describe, expect, it } from 'vitest';
import { linkSettingsOf, linkSettingsSchema } from '../../../src/tracking/links/settings.js';
import { customSlugProblem, generateSlug, RESERVED_SLUGS } from '../../../src/tracking/links/slug.js';

const fieldsOf = (raw: unknown) => {
  const result = linkSettingsSchema.safeParse(raw);
  return result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
};

describe('links settings', () => {
  it('fills in defaults', () => {
    expect(linkSettingsOf({ settings: {} })).toEqual({ allowedHosts: [], fallbackUrl: null, inviteDestinationUrl: null, attributionWindowDays: 30, domain: '' });
  });

  it('accepts hostnames and *.wildcards, and an invite destination on an allowed host', () => {
    const raw = { allowedHosts: ['shop.example', '*.brand.example', 'xn--shp-sna.example'], inviteDestinationUrl: 'https://de.brand.example/join', domain: 'go.brand.example' };
    expect(fieldsOf(raw)).toEqual([]);
  });

  it.each([
    [{ allowedHosts: ['Shop.Example'] }, 'allowedHosts.0'],
    [{ allowedHosts: ['https://shop.example'] }, 'allowedHosts.0'],
    [{ allowedHosts: ['shop.example:443'] }, 'allowedHosts.0'],
    [{ allowedHosts: ['shop.example.'] }, 'allowedHosts.0'],
    [{ allowedHosts: ['shöp.example'] }, 'allowedHosts.0'],
    [{ allowedHosts: ['*.com'] }, 'allowedHosts.0'],
    [{ allowedHosts: ['*'] }, 'allowedHosts.0'],
    [{ allowedHosts: ['a.*.example'] }, 'allowedHosts.0'],
    [{ fallbackUrl: 'javascript:alert(1)' }, 'fallbackUrl'],
    [{ fallbackUrl: '//shop.example/' }, 'fallbackUrl'],
    [{ allowedHosts: ['shop.example'], inviteDestinationUrl: 'https://evil.example/join' }, 'inviteDestinationUrl'],
    [{ allowedHosts: ['shop.example'], inviteDestinationUrl: 'https://user@shop.example/join' }, 'inviteDestinationUrl'],
    // Broken values together must be reported, never throw.
    [{ allowedHosts: [1, null], inviteDestinationUrl: 'not a url' }, 'inviteDestinationUrl'],
    [{ allowedHosts: 'shop.example', inviteDestinationUrl: 'https://shop.example/' }, 'allowedHosts'],
    [{ attributionWindowDays: 0 }, 'attributionWindowDays'],
    [{ attributionWindowDays: 366 }, 'attributionWindowDays'],
    [{ attributionWindowDays: 1.5 }, 'attributionWindowDays'],
    [{ domain: 'https://go.example' }, 'domain'],
    [{ allowedHost: ['shop.example'] }, ''],
  ])('refuses %j naming %s', (raw, field) => {
    expect(fieldsOf(raw)).toContain(field);
  });

  it('reads a bad stored value key by key, so one broken key keeps its default alone', () => {
    const settings = linkSettingsOf({ settings: { links: { allowedHosts: ['shop.example'], attributionWindowDays: 'thirty', inviteDestinationUrl: 'https://evil.example/' } } });
    expect(settings).toEqual({ allowedHosts: ['shop.example'], fallbackUrl: null, inviteDestinationUrl: null, attributionWindowDays: 30, domain: '' });
  });
});

describe('slugs', () => {
  it.each(['abc', 'Spring-Sale_2024', '0ab', 'a'.repeat(64), 'API2', 'rr'.repeat(2)])('accepts %s', (slug) => {
    expect(customSlugProblem(slug)).toBeNull();
  });

  it.each(['ab', 'a'.repeat(65), '-abc', '_abc', 'a b', 'ab/c', 'ab.c', 'äbc', 'abc%20'])('refuses the form of %s', (slug) => {
    expect(customSlugProblem(slug)).toMatch(/3 to 64 characters/);
  });

  it.each(['api', 'API', 'admin', 'healthz', 'well-known', 'Login', 'docs', 'static', 'assets'])('refuses the reserved %s', (slug) => {
    expect(customSlugProblem(slug)).toMatch(/reserved/);
  });

  it('generates 8 base62 characters that are never reserved', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const slug = generateSlug();
      expect(slug).toMatch(/^[0-9A-Za-z]{8}$/);
      expect(RESERVED_SLUGS.has(slug.toLowerCase())).toBe(false);
      seen.add(slug);
    }
    expect(seen.size).toBe(2000);
  });
});
