import { describe, expect, it } from 'vitest';
import { isPreview, uaClass } from '../../../src/tracking/redirect/classify.js';

const CHROME_WIN = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const SAFARI_IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

describe('uaClass', () => {
  it.each([
    // Browsers on computers
    [CHROME_WIN, 'desktop'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15', 'desktop'],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0', 'desktop'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67', 'desktop'],
    ['Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36', 'desktop'],
    // Phones, in-app browsers included
    [SAFARI_IPHONE, 'mobile'],
    ['Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36', 'mobile'],
    ['Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0', 'mobile'],
    ['Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36', 'mobile'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/460.0.0.34.109;FBBV/581046937]', 'mobile'],
    ['Mozilla/5.0 (Linux; Android 12; CUBOT KingKong 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/110.0.0.0 Mobile Safari/537.36', 'mobile'],
    // Tablets
    ['Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1', 'tablet'],
    ['Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36', 'tablet'],
    ['Mozilla/5.0 (Android 13; Tablet; rv:125.0) Gecko/125.0 Firefox/125.0', 'tablet'],
    ['Mozilla/5.0 (Linux; Android 11; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/124.2.1 like Chrome/124.0.6367.82 Safari/537.36', 'tablet'],
    // Televisions and consoles are people, but neither
    ['Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/4.0 Chrome/76.0.3809.146 TV Safari/537.36', 'other'],
    ['Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, like Gecko)', 'other'],
    ['SomeUnknownClient/1.0 (FooOS)', 'other'],
    // Crawlers
    ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'bot'],
    ['Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'bot'],
    ['Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)', 'bot'],
    ['Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)', 'bot'],
    ['Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)', 'bot'],
    ['Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.0; +https://openai.com/gptbot)', 'bot'],
    ['AdsBot-Google (+http://www.google.com/adsbot.html)', 'bot'],
    // HTTP libraries
    ['curl/8.5.0', 'bot'],
    ['Wget/1.21.4', 'bot'],
    ['python-requests/2.31.0', 'bot'],
    ['Python-urllib/3.11', 'bot'],
    ['Go-http-client/1.1', 'bot'],
    ['Java/17.0.2', 'bot'],
    ['Apache-HttpClient/4.5.14 (Java/17.0.8)', 'bot'],
    ['okhttp/4.12.0', 'bot'],
    ['axios/1.6.8', 'bot'],
    ['node-fetch/1.0 (+https://github.com/bitinn/node-fetch)', 'bot'],
    ['node', 'bot'],
    ['PostmanRuntime/7.37.3', 'bot'],
    ['Scrapy/2.11.1 (+https://scrapy.org)', 'bot'],
    ['GuzzleHttp/7', 'bot'],
    // Headless browsers and monitors
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36', 'bot'],
    ['Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse', 'bot'],
    ['Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)', 'bot'],
    ['Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)', 'bot'],
    ['Datadog Agent/7.52.0', 'bot'],
    // Unfurlers are bots too
    ['Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)', 'bot'],
    ['facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)', 'bot'],
    ['WhatsApp/2.23.20.0', 'bot'],
    ['Mastodon/4.2.8 (http.rb/5.1.1; +https://mastodon.social/)', 'bot'],
    // Nothing to go by
    ['', 'bot'],
    [undefined, 'bot'],
    ['Mozilla/5.0', 'bot'],
  ] as const)('%s -> %s', (ua, expected) => {
    expect(uaClass(ua)).toBe(expected);
    // Memoised: the second answer is the same.
    expect(uaClass(ua)).toBe(expected);
  });
});

describe('isPreview', () => {
  const headers = (h: Record<string, string>) => (name: string) => h[name];

  it.each([
    ['Purpose: prefetch', { purpose: 'prefetch' }],
    ['Sec-Purpose: prefetch', { 'sec-purpose': 'prefetch' }],
    ['Sec-Purpose: prefetch;prerender', { 'sec-purpose': 'prefetch;prerender' }],
    ['X-Purpose: preview', { 'x-purpose': 'preview' }],
    ['X-Moz: prefetch', { 'x-moz': 'prefetch' }],
  ])('a browser prefetch (%s) is a preview', (_label, h) => {
    expect(isPreview(headers(h), CHROME_WIN)).toBe(true);
  });

  it.each([
    'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
    'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
    'Mozilla/5.0 (compatible; Twitterbot/1.0)',
    'LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)',
    'WhatsApp/2.23.20.0',
    'TelegramBot (like TwitterBot)',
    'Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)',
    'Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com',
    'Iframely/1.3.1 (+https://iframely.com/docs/about)',
    'Mozilla/5.0 (compatible; Embedly/0.2; +http://support.embed.ly/)',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/49.0.2623.75 Safari/537.36 Google-PageRenderer Google (+https://developers.google.com/+/web/snippet/)',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0',
    'Mozilla/5.0 (Device; OS_version) AppleWebKit/WebKit_version (KHTML, like Gecko) Version/Safari_version Safari/WebKit_version (Applebot/0.1)',
    'Mastodon/4.2.8 (http.rb/5.1.1; +https://mastodon.social/)',
  ])('the link unfurler %s is a preview', (ua) => {
    expect(isPreview(headers({}), ua)).toBe(true);
  });

  it.each([
    ['a desktop browser', CHROME_WIN, {}],
    ['a phone', SAFARI_IPHONE, {}],
    ['a crawler (recorded as a bot, not a preview)', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', {}],
    ['curl', 'curl/8.5.0', {}],
    ['a navigation with an unrelated Sec-Purpose', CHROME_WIN, { 'sec-purpose': 'navigate' }],
    ['no User-Agent', undefined, {}],
  ])('%s is not a preview', (_label, ua, h) => {
    expect(isPreview(headers(h as Record<string, string>), ua)).toBe(false);
  });
});
