import { z } from '@hono/zod-openapi';
import { isIsoDate } from './custom-fields.js';

/**
 * Member input shapes shared by the API and the CSV importer. They check form only; uniqueness,
 * scope and custom field definitions are checked by the services that hold a database.
 */

// Officially assigned ISO 3166-1 alpha-2 codes; a regex alone would let "XX" or "UK" through.
const ISO_COUNTRIES = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO ' +
    'JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR ' +
    'MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO ' +
    'RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV ' +
    'TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);

export function isCountryCode(value: string): boolean {
  return ISO_COUNTRIES.has(value);
}

/** True for a well-formed BCP 47 language tag (`de`, `pt-BR`, `zh-Hant-TW`). */
export function isLocaleTag(value: string): boolean {
  try {
    return Intl.getCanonicalLocales(value).length === 1;
  } catch {
    return false;
  }
}

/** The form emails are compared and stored in for uniqueness. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export const MEMBER_STATUSES = ['active', 'inactive', 'blocked'] as const;

export const CountrySchema = z
  .string()
  .refine(isCountryCode, 'must be an ISO 3166-1 alpha-2 country code in upper case, e.g. DE')
  .openapi({ example: 'DE' });

/** A BCP 47 tag, stored in canonical case (`de-de` becomes `de-DE`). */
export const LocaleSchema = z
  .string()
  .max(35)
  .refine(isLocaleTag, 'must be a BCP 47 language tag, e.g. de or pt-BR')
  .transform((tag) => Intl.getCanonicalLocales(tag)[0]!)
  .openapi({ example: 'de-DE' });

export const BirthdaySchema = z.string().refine(isIsoDate, 'must be a date in YYYY-MM-DD form').openapi({ example: '1990-04-23' });

const EmailSchema = z.string().trim().max(320).pipe(z.email('must be a valid email address')).openapi({ example: 'ada@example.com' });
const PhoneSchema = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 ()./-]{3,30}$/, 'must be a phone number of digits, optionally starting with +')
  .openapi({ example: '+49 30 1234567' });
const SourceSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'must be a lower-case label such as api, import or affiliate_signup')
  .openapi({ example: 'api' });
const ExternalIdSchema = z.string().trim().min(1).max(200).openapi({ example: 'crm-42' });
const NameSchema = z.string().trim().max(200).openapi({ example: 'Ada Lovelace' });
const CustomFieldsSchema = z.record(z.string(), z.unknown()).openapi({ example: { shoe_size: 42 } });
const MemberIdSchema = z.string().min(1).max(64);

/** Member attributes as the API takes them; null clears a nullable column. */
const memberFields = {
  name: NameSchema.optional(),
  email: EmailSchema.nullish(),
  phone: PhoneSchema.nullish(),
  birthday: BirthdaySchema.nullish(),
  country: CountrySchema.nullish(),
  locale: LocaleSchema.nullish(),
  source: SourceSchema.optional(),
  status: z.enum(MEMBER_STATUSES).optional(),
  externalId: ExternalIdSchema.nullish(),
  customFields: CustomFieldsSchema.optional(),
  referredByMemberId: MemberIdSchema.nullish(),
};

/** POST members. Unknown keys are refused so a typo never silently drops data. */
export const MemberCreateInputSchema = z.strictObject(memberFields).openapi('MemberCreateInput');

/**
 * PATCH members: the same keys, every one optional; customFields are merged into the stored ones.
 * A separate schema so the OpenAPI document names the two bodies apart.
 */
export const MemberUpdateInputSchema = z.strictObject(memberFields).openapi('MemberUpdateInput');

export type MemberCreateInput = z.infer<typeof MemberCreateInputSchema>;
export type MemberUpdateInput = z.infer<typeof MemberUpdateInputSchema>;
