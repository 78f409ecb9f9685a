import type { PendingClick } from '../types.js';

export type UaClass = PendingClick['uaClass'];

/**
 * Automated clients: crawlers, HTTP libraries, headless browsers, monitors and link unfurlers. A
 * browser never says any of these words. `(?<!cu)bot` spares Cubot phones.
 */
const BOT =
  /(?<!cu)bot\b|bot[/_-]|crawl|spider|slurp|scrap|archiver|curl\/|wget|python|aiohttp|httpx|go-http-client|^java\/|java\/\d|okhttp|axios|node-fetch|undici|^node\b|libwww|lwp-|perl\/|php\/|ruby|guzzle|http_request|httpclient|httpunit|apache-http|postman|insomnia|httpie|headless|phantomjs|puppeteer|playwright|selenium|webdriver|lighthouse|pagespeed|gtmetrix|pingdom|uptime|statuscake|site24x7|newrelic|datadog|monitor|nagios|zabbix|check_http|facebookexternalhit|facebookcatalog|whatsapp|embedly|iframely|preview|vkshare|mastodon\/|flipboardproxy|google-pagerenderer|googleother|google-inspectiontool|feedfetcher|mediapartners|chatgpt-user|perplexity|validator|scanner|masscan|zgrab|nmap|^mozilla\/[45]\.0$/i;

/** Link unfurlers: a chat or social app fetching the page to draw a card, not a person clicking. */
const UNFURLER =
  /slackbot-linkexpanding|slack-imgproxy|facebookexternalhit|facebookcatalog|twitterbot|linkedinbot|whatsapp|telegrambot|discordbot|skypeuripreview|iframely|embedly|google-pagerenderer|applebot|redditbot|pinterestbot|bingpreview|vkshare|mastodon\/|bitlybot|kakaotalk-scrap|yahoo link preview|msnbot-media|quora link preview|flipboardproxy/i;

/** Televisions, consoles and set-top boxes: people, but neither phones nor computers. */
const OTHER_DEVICE = /smart-?tv|googletv|appletv|hbbtv|crkey|roku|playstation|xbox|nintendo|tizen|web0?os|netcast|bravia/i;
const TABLET = /ipad|tablet|kindle|silk\/|playbook|sm-t\d|nexus (?:7|9|10)\b|android(?!.*mobile)/i;
const MOBILE = /mobi|iphone|ipod|android|windows phone|blackberry|bb10|opera mini|iemobile|kaios/i;
const DESKTOP = /windows nt|macintosh|mac os x|x11|linux|cros /i;

function classifyUncached(userAgent: string): UaClass {
  if (userAgent.length < 8 || BOT.test(userAgent)) return 'bot';
  if (OTHER_DEVICE.test(userAgent)) return 'other';
  if (TABLET.test(userAgent)) return 'tablet';
  if (MOBILE.test(userAgent)) return 'mobile';
  if (DESKTOP.test(userAgent)) return 'desktop';
  return 'other';
}

// Visitors share a few thousand distinct User-Agents, so a small memo spares the regexes on
// nearly every redirect. Cleared when full rather than tracking recency: cheap and bounded.
const MEMO_MAX = 4096;
const MAX_MEMO_UA = 512;
const memo = new Map<string, UaClass>();

/** The coarse client class stored with a click. A missing or empty User-Agent is a bot. */
export function uaClass(userAgent: string | undefined | null): UaClass {
  if (!userAgent) return 'bot';
  let cls = memo.get(userAgent);
  if (cls === undefined) {
    cls = classifyUncached(userAgent);
    if (userAgent.length <= MAX_MEMO_UA) {
      if (memo.size >= MEMO_MAX) memo.clear();
      memo.set(userAgent, cls);
    }
  }
  return cls;
}

/** Reads one request header (lower-case name); each adapter supplies its own. */
export type HeaderReader = (name: string) => string | undefined;

const PURPOSE_HEADERS = ['sec-purpose', 'purpose', 'x-purpose', 'x-moz'] as const;
const PREFETCH_VALUE = /^\s*(?:prefetch|preview|prerender)/i;

/**
 * Requests that fetch the link without a person following it: browser prefetch/prerender and link
 * unfurlers. They get the redirect but are not clicks.
 */
export function isPreview(header: HeaderReader, userAgent: string | undefined): boolean {
  for (const name of PURPOSE_HEADERS) {
    const value = header(name);
    if (value !== undefined && PREFETCH_VALUE.test(value)) return true;
  }
  // Every unfurler is also a bot, so a human User-Agent is settled by the memoised class.
  return userAgent !== undefined && uaClass(userAgent) === 'bot' && UNFURLER.test(userAgent);
}
