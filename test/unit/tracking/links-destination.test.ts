import { describe, expect, it } from 'vitest';
import { checkCountryDestinations, checkDestination, hostAllowed } from '../../../src/tracking/links/destination.js';

const ALLOWED = ['shop.example', '*.brand.example', '127.0.0.1'];

describe('checkDestination: the open-redirect guard', () => {
  it.each([
    // Not http(s) at all
    ['javascript:alert(document.cookie)', /http:\/\/ or https:\/\//],
    ['JavaScript:alert(1)//https://shop.example/', /http:\/\/ or https:\/\//],
    ['data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==', /http:\/\/ or https:\/\//],
    ['vbscript:msgbox(1)', /http:\/\/ or https:\/\//],
    ['ftp://shop.example/file', /http:\/\/ or https:\/\//],
    ['file:///etc/passwd', /http:\/\/ or https:\/\//],
    // Relative, scheme-relative and scheme-without-slashes forms a browser would still follow
    ['//evil.com/path', /http:\/\/ or https:\/\//],
    ['/r/other', /http:\/\/ or https:\/\//],
    ['shop.example/landing', /http:\/\/ or https:\/\//],
    ['https:evil.com', /http:\/\/ or https:\/\//],
    ['https:/evil.com', /http:\/\/ or https:\/\//],
    // Hosts that merely look like the allowed one
    ['https://shop.example.evil.com/', /host shop\.example\.evil\.com is not an allowed destination/],
    ['https://evilshop.example/', /host evilshop\.example is not an allowed/],
    ['https://shop.examplex/', /not an allowed/],
    ['https://shop.example%2eevil.com/', /host shop\.example\.evil\.com is not an allowed/],
    ['https://brand.example/', /host brand\.example is not an allowed/],
    ['https://evil.com?@shop.example/', /host evil\.com is not an allowed/],
    ['https://evil.com#@shop.example/', /host evil\.com is not an allowed/],
    ['https://evil.com/shop.example', /host evil\.com is not an allowed/],
    ['https://127.0.0.2/', /host 127\.0\.0\.2 is not an allowed/],
    ['https://[::1]/', /host \[::1\] is not an allowed/],
    // Credentials hide the real host from people; backslashes and whitespace confuse parsers
    ['https://shop.example@evil.com/', /credentials/],
    ['https://user:pass@shop.example/', /credentials/],
    ['https://user@shop.example/', /credentials/],
    ['https://@shop.example/', /credentials/],
    ['https://evil.com\\@shop.example/', /backslashes/],
    ['https://shop.example\\.evil.com/', /backslashes/],
    ['https:\\\\evil.com', /backslashes/],
    [' https://shop.example/', /spaces, control characters/],
    ['https://shop.example/\n', /spaces, control characters/],
    ['java\tscript:alert(1)', /spaces, control characters/],
    ['https://shop.ex\tample/', /spaces, control characters/],
    ['https://shop.example/a b', /spaces, control characters/],
    ['https://shop.example\u0000.evil.com/', /spaces, control characters/],
    // Unicode look-alikes become punycode, which is not the allowed host
    ['https://shöp.example/', /host xn--shp-tna\.example is not an allowed/],
    ['https://shop.exampl\u0435/', /host shop\.xn--exampl-.* is not an allowed/],
    // The same host with a trailing dot is refused rather than guessed at
    ['https://shop.example./', /must not end with a dot/],
    // Junk
    ['https://', /absolute http\(s\) URL/],
    ['https://shop.example:99999/', /absolute http\(s\) URL/],
    [`https://shop.example/${'a'.repeat(2100)}`, /at most 2048/],
  ])('refuses %s', (url, reason) => {
    const check = checkDestination(url, ALLOWED);
    expect(check.ok).toBe(false);
    expect(check.ok ? '' : check.reason).toMatch(reason);
  });

  it.each([
    ['https://shop.example/landing?x=1#top', 'https://shop.example/landing?x=1#top'],
    ['http://shop.example', 'http://shop.example/'],
    ['HTTPS://SHOP.EXAMPLE/Path', 'https://shop.example/Path'],
    ['https://shop.example:8443/p', 'https://shop.example:8443/p'],
    ['https://shop.example:443/p', 'https://shop.example/p'],
    ['https://de.brand.example/sale', 'https://de.brand.example/sale'],
    ['https://a.b.brand.example/', 'https://a.b.brand.example/'],
    // Full-width letters are the same host once the URL parser maps them
    ['https://ｓｈｏｐ.example/', 'https://shop.example/'],
    ['https://127.0.0.1/', 'https://127.0.0.1/'],
    ['https://shop.example/ünïcode?q=ü', 'https://shop.example/%C3%BCn%C3%AFcode?q=%C3%BC'],
  ])('accepts %s as %s', (url, normalised) => {
    expect(checkDestination(url, ALLOWED)).toEqual({ ok: true, url: normalised });
  });

  it('refuses everything while the program allows no host, and says how to fix it', () => {
    const check = checkDestination('https://shop.example/', []);
    expect(check).toEqual({ ok: false, reason: expect.stringContaining('set settings.links.allowedHosts') });
  });
});

describe('hostAllowed', () => {
  it.each([
    ['shop.example', ['shop.example'], true],
    ['www.shop.example', ['shop.example'], false],
    ['shop.example', ['*.shop.example'], false],
    ['a.shop.example', ['*.shop.example'], true],
    ['a.b.shop.example', ['*.shop.example'], true],
    ['ashop.example', ['*.shop.example'], false],
    ['.shop.example', ['*.shop.example'], false],
    ['x.example', [], false],
  ] as const)('%s with %j: %s', (host, allowed, expected) => {
    expect(hostAllowed(host, allowed)).toBe(expected);
  });
});

describe('checkCountryDestinations', () => {
  it('upper-cases country codes and normalises each URL', () => {
    expect(checkCountryDestinations({ de: 'https://shop.example/de', US: 'HTTPS://Shop.Example/us' }, ALLOWED)).toEqual({
      value: { DE: 'https://shop.example/de', US: 'https://shop.example/us' },
      issues: [],
    });
  });

  it('names each bad entry: code, duplicate, and host', () => {
    const { issues } = checkCountryDestinations({ DEU: 'https://shop.example/', de: 'https://shop.example/1', DE: 'https://shop.example/2', FR: 'https://evil.com/' }, ALLOWED);
    expect(issues).toEqual([
      { field: 'countryDestinations.DEU', reason: 'must be a two-letter country code, e.g. DE' },
      { field: 'countryDestinations.DE', reason: 'repeats the country DE' },
      { field: 'countryDestinations.FR', reason: 'host evil.com is not an allowed destination for this program' },
    ]);
  });

  it('allows at most 50 countries', () => {
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [String.fromCharCode(65 + Math.floor(i / 26), 65 + (i % 26)), 'https://shop.example/']));
    expect(checkCountryDestinations(many, ALLOWED).issues).toEqual([{ field: 'countryDestinations', reason: 'must have at most 50 countries' }]);
  });
});
