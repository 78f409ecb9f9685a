import { describe, expect, it } from 'vitest';
import { normaliseIp } from '../../../src/tracking/clicks/ip-hash.js';
import { clickCookie } from '../../../src/tracking/redirect/cookie.js';
import { buildDestinationUrl, prepareDestination } from '../../../src/tracking/redirect/destination-url.js';
import { clientIpFrom, countryFrom, passThroughParams, referrerHost, requestHost } from '../../../src/tracking/redirect/request-info.js';

describe('countryFrom', () => {
  it.each([
    ['DE', 'DE'],
    ['us', 'US'],
    ['gB', 'GB'],
    ['T1', 'XX'], // Cloudflare: Tor
    ['XX', 'XX'],
    ['', 'XX'],
    [undefined, 'XX'],
    ['DEU', 'XX'],
    ['D', 'XX'],
    ['1A', 'XX'],
    ['D-', 'XX'],
    ['ÄÖ', 'XX'],
  ])('%s -> %s', (value, expected) => {
    expect(countryFrom(value)).toBe(expected);
  });
});

describe('clientIpFrom', () => {
  it.each([
    ['the only entry', '203.0.113.7', '10.0.0.1', '203.0.113.7'],
    ['the last entry of a list (the one our proxy appended)', '1.2.3.4, 198.51.100.2,203.0.113.7', '10.0.0.1', '203.0.113.7'],
    ['IPv6', '2001:db8::1', '10.0.0.1', '2001:db8::1'],
    ['the socket without the header', undefined, '10.0.0.1', '10.0.0.1'],
    ['the socket when the header is empty', '', '10.0.0.1', '10.0.0.1'],
    ['the socket when the last entry is blank', '1.2.3.4, ', '10.0.0.1', '10.0.0.1'],
    ['0.0.0.0 without anything', undefined, undefined, '0.0.0.0'],
  ])('takes %s', (_label, header, socket, expected) => {
    expect(clientIpFrom(header, socket)).toBe(expected);
  });
});

describe('normaliseIp', () => {
  it.each([
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['::FFFF:1.2.3.4', '1.2.3.4'],
    ['1.2.3.4', '1.2.3.4'],
    ['2001:DB8::1', '2001:db8::1'],
    ['::1', '::1'],
  ])('%s -> %s', (ip, expected) => {
    expect(normaliseIp(ip)).toBe(expected);
  });
});

describe('referrerHost', () => {
  it.each([
    ['https://www.Example.com/some/page?q=1', 'www.example.com'],
    ['http://user:pw@blog.example.org:8080/x', 'blog.example.org'],
    ['https://[2001:db8::1]:443/', '[2001:db8::1]'],
    ['android-app://com.slack/', 'com.slack'],
    ['not a url', null],
    ['/relative/path', null],
    ['', null],
    [undefined, null],
  ])('%s -> %s', (referer, expected) => {
    expect(referrerHost(referer)).toBe(expected);
  });
});

describe('requestHost', () => {
  it.each([
    ['go.Example.com', 'go.example.com'],
    ['go.example.com:8443', 'go.example.com'],
    ['localhost:3000', 'localhost'],
    ['[::1]:3000', '[::1]'],
    ['', ''],
    [undefined, ''],
  ])('%s -> %s', (host, expected) => {
    expect(requestHost(host)).toBe(expected);
  });
});

describe('passThroughParams', () => {
  it('keeps sub1..sub5 and utm_* and nothing else; sub-ids are also returned apart', () => {
    expect(passThroughParams('sub1=a&sub5=b%20c&utm_source=news+letter&utm_custom_thing=x&sub6=no&ref=no&trellis_click=forged')).toEqual({
      params: { sub1: 'a', sub5: 'b c', utm_source: 'news letter', utm_custom_thing: 'x' },
      subIds: { sub1: 'a', sub5: 'b c' },
    });
  });

  it('drops values over 200 characters and undecodable ones, keeps the rest', () => {
    expect(passThroughParams(`sub1=${'x'.repeat(200)}&sub2=${'y'.repeat(201)}&sub3=%E0%A4%A&utm_medium=cpc`)).toEqual({
      params: { sub1: 'x'.repeat(200), utm_medium: 'cpc' },
      subIds: { sub1: 'x'.repeat(200) },
    });
  });

  it('answers null when there is nothing to pass through', () => {
    expect(passThroughParams('')).toBeNull();
    expect(passThroughParams('ref=x&gclid=y')).toBeNull();
    expect(passThroughParams('sub9=x')).toBeNull();
  });

  it('utm parameters alone carry no sub-ids', () => {
    expect(passThroughParams('utm_campaign=spring')).toEqual({ params: { utm_campaign: 'spring' }, subIds: null });
  });
});

describe('destination URL building', () => {
  const build = (url: string, linkParams: Record<string, string>, visitor: Record<string, string> | null, clickId: string | null) =>
    buildDestinationUrl(prepareDestination(url, linkParams), visitor, clickId);

  it.each([
    ['a bare URL gets the click id', 'https://shop.example/', {}, null, 'clk_1', 'https://shop.example/?trellis_click=clk_1'],
    ['link params are appended, encoded', 'https://shop.example/p', { utm_source: 'aff one', sub1: 'a&b' }, null, 'clk_1', 'https://shop.example/p?utm_source=aff%20one&sub1=a%26b&trellis_click=clk_1'],
    ['the destination query is kept as written', 'https://shop.example/p?color=r%C3%A9d&size=10', { sub1: 'x' }, null, 'clk_1', 'https://shop.example/p?color=r%C3%A9d&size=10&sub1=x&trellis_click=clk_1'],
    ['link params replace same-named destination params', 'https://shop.example/p?utm_source=old&a=1', { utm_source: 'new' }, null, 'clk_1', 'https://shop.example/p?a=1&utm_source=new&trellis_click=clk_1'],
    ['visitor params override link params', 'https://shop.example/p?utm_source=old', { utm_source: 'link', sub1: 'keep' }, { utm_source: 'visitor', sub2: 'v 2' }, 'clk_1', 'https://shop.example/p?sub1=keep&utm_source=visitor&sub2=v%202&trellis_click=clk_1'],
    ['a forged click id in the destination is replaced', 'https://shop.example/p?trellis_click=forged', {}, null, 'clk_1', 'https://shop.example/p?trellis_click=clk_1'],
    ['the fragment stays last', 'https://shop.example/p?a=1#reviews', { sub1: 'x' }, null, 'clk_1', 'https://shop.example/p?a=1&sub1=x&trellis_click=clk_1#reviews'],
    ['previews get no click id', 'https://shop.example/p#top', { sub1: 'x' }, null, null, 'https://shop.example/p?sub1=x#top'],
    ['nothing to add leaves the URL alone', 'https://shop.example/p#top', {}, null, null, 'https://shop.example/p#top'],
  ])('%s', (_label, url, linkParams, visitor, clickId, expected) => {
    expect(build(url, linkParams, visitor, clickId)).toBe(expected);
  });
});

describe('clickCookie', () => {
  it('names the program, lasts the attribution window and is Lax and HttpOnly', () => {
    expect(clickCookie('prg_1', 'clk_1', 30, false)).toBe('trellis_prg_1=clk_1; Path=/; Max-Age=2592000; SameSite=Lax; HttpOnly');
    expect(clickCookie('prg_1', 'clk_1', 7, true)).toBe('trellis_prg_1=clk_1; Path=/; Max-Age=604800; SameSite=Lax; HttpOnly; Secure');
  });
});
