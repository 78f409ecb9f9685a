import { z } from 'zod';
import type { programs } from '../../../db/schema/index.js';
import { checkDestination } from './destination.js';

// ASCII (punycode) hostnames only: the URL parser turns IDNs into xn-- form, so a Unicode entry
// here could never match a destination. Upper case is refused rather than folded because program
// settings are stored as written.
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOSTNAME = new RegExp(`^(?=.{1,253}$)(?:${LABEL}\\.)*${LABEL}$`);
const HOST_REASON = 'must be a lower-case hostname without scheme, port, path or trailing dot (punycode for IDNs), e.g. shop.example.com';

const HostnameSchema = z.string().regex(HOSTNAME, HOST_REASON);

/** `shop.example.com`, or `*.example.com` for its subdomains (at least two labels after the star). */
const AllowedHostSchema = z
  .string()
  .max(255)
  .refine((h) => (h.startsWith('*.') ? HOSTNAME.test(h.slice(2)) && h.slice(2).includes('.') : HOSTNAME.test(h)), {
    message: `${HOST_REASON}; *.example.com allows the subdomains of example.com`,
  });

const HttpUrlSchema = z
  .string()
  .max(2048)
  .refine((u) => /^https?:\/\//i.test(u) && URL.canParse(u), 'must be an absolute http(s) URL');

const linkSettingsFields = {
  /** Hosts destinations may point at; the open-redirect guard. */
  allowedHosts: z.array(AllowedHostSchema).max(100).default([]),
  /** Where an archived link sends visitors; null shows the 404 page. */
  fallbackUrl: HttpUrlSchema.nullable().default(null),
  /** The merchant's signup page, where every member invite link goes. */
  inviteDestinationUrl: HttpUrlSchema.nullable().default(null),
  /** Lifetime of the click cookie, in days. */
  attributionWindowDays: z.number().int().min(1).max(365).default(30),
  /** The host this program's short links are served on; '' is the instance's shared host. */
  domain: z.union([z.literal(''), HostnameSchema]).default(''),
};

/** `programs.settings.links`. Every key is optional in storage. */
export const linkSettingsSchema = z.strictObject(linkSettingsFields).superRefine((s, ctx) => {
  // Invite links carry no destination of their own, so this one must pass the same guard. Zod runs
  // this even when fields failed, so values already reported are left alone.
  const url: unknown = s.inviteDestinationUrl;
  const hosts: unknown = s.allowedHosts;
  if (typeof url !== 'string' || !URL.canParse(url) || !Array.isArray(hosts) || !hosts.every((h) => typeof h === 'string')) return;
  const check = checkDestination(url, hosts);
  if (!check.ok) ctx.addIssue({ code: 'custom', path: ['inviteDestinationUrl'], message: check.reason });
});

export type LinkSettings = z.output<typeof linkSettingsSchema>;

/**
 * The program's `links` settings with defaults filled in. Writes are validated, but a bad stored
 * value (a direct database edit) must not break link creation or redirects: each key that does
 * not parse falls back to its default on its own.
 */
export function linkSettingsOf(program: Pick<typeof programs.$inferSelect, 'settings'>): LinkSettings {
  const raw = (program.settings ?? {})['links'];
  const parsed = linkSettingsSchema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const stored = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(linkSettingsFields)) {
    const field = (schema as z.ZodType).safeParse(stored[key]);
    out[key] = field.success ? field.data : (schema as z.ZodType).parse(undefined);
  }
  const settings = out as LinkSettings;
  if (settings.inviteDestinationUrl && !checkDestination(settings.inviteDestinationUrl, settings.allowedHosts).ok) settings.inviteDestinationUrl = null;
  return settings;
}
