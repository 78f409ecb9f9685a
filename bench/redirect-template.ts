/**
 * What the bare server answers: a response Trellis gave for a slug (status, headers, body) with
 * its click id replaced by a placeholder, so the yardstick sends the very same 302.
 */
export interface RedirectTemplate {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
  /** The click id prefix (`clk`), so the bare server's ids look like Trellis's. */
  clickIdPrefix: string;
}

export const CLICK_PLACEHOLDER = '{click}';

// node:http adds these itself (and the bare server computes its own length).
const HOP_HEADERS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'x-request-id']);

/** The template of one Trellis redirect, found by the `trellis_click` id in its Location. */
export function templateFrom(response: { status: number; headers: Headers; body: string }): RedirectTemplate {
  const location = response.headers.get('location');
  if (!location) throw new Error(`the probe redirect has no Location header (status ${response.status})`);
  const click = new URL(location).searchParams.get('trellis_click');
  if (!click) throw new Error(`the probe redirect's Location has no trellis_click: ${location}`);
  const blank = (v: string) => v.replaceAll(click, CLICK_PLACEHOLDER);
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (!HOP_HEADERS.has(name) && name !== 'set-cookie') headers[name] = blank(value);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers['set-cookie'] = cookies.map(blank);
  return { status: response.status, headers, body: blank(response.body), clickIdPrefix: click.includes('_') ? click.slice(0, click.indexOf('_')) : 'clk' };
}
