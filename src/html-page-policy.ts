import { createHash } from 'node:crypto';

/**
 * The security headers of the pages the server renders itself (redirect pages, invite pages,
 * payout statements): they run no script and load nothing, so their Content-Security-Policy
 * allows nothing but their own inline stylesheet, by its hash. Shared by the Hono routes
 * (src/api/security-headers.ts) and the redirect's node:http fast path, which skips Hono.
 */

/** A CSP source allowing exactly this inline `<style>` or `<script>` text. */
export function inlineSource(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

export type CspDirectives = Record<string, string[]>;

/** A page that loads nothing and runs nothing: only `style` (its inline stylesheet) applies. */
export function serverPageDirectives(style: string): CspDirectives {
  return {
    defaultSrc: ["'none'"],
    styleSrc: [inlineSource(style)],
    baseUri: ["'none'"],
    formAction: ["'none'"],
    frameAncestors: ["'none'"],
  };
}

/** The header value of `directives`, written as Hono's secure-headers middleware writes it. */
export function policyText(directives: CspDirectives): string {
  return Object.entries(directives)
    .map(([name, sources]) => `${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${sources.join(' ')}`)
    .join('; ');
}

/** Every security header of a server-rendered page, for responses built outside Hono. */
export function serverPageHeaders(style: string): Record<string, string> {
  return {
    'content-security-policy': policyText(serverPageDirectives(style)),
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
}
