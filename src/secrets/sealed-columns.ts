import type { SealedAt } from './envelope.js';

/**
 * Every column that holds sealed values, for the code that touches them all: sealing what earlier
 * versions stored in clear (at boot, at-rest.ts) and re-sealing under a new key (rotate.ts). The
 * domains own the rows; these only ever rewrite the sealed text itself. A new sealed column is
 * added here, or a rotation would leave it under the old key.
 */
export interface SealedColumn {
  table: string;
  column: string;
  /** SQL over the table's columns: the row id the sealed text is bound to (its AAD). */
  rowId: string;
  /** The column in clear it replaces (sealed and emptied at boot); `json` when it is jsonb. */
  legacy?: { column: string; json: boolean };
}

export const SEALED_COLUMNS = {
  /** Private JWKs of access-token and transparency-log keys. */
  signingKey: { table: 'signing_keys', column: 'private_key_sealed', rowId: 'kid', legacy: { column: 'private_jwk', json: true } },
  /** Merchants' request-signing secrets. */
  apiKeySigningSecret: { table: 'api_keys', column: 'signing_secret_sealed', rowId: 'id', legacy: { column: 'signing_secret', json: false } },
  /** Affiliates' bank details. */
  payoutDetails: { table: 'affiliate_profiles', column: 'payout_details_sealed', rowId: 'member_id', legacy: { column: 'payout_details', json: true } },
  /** Per-tenant random keys (the customer email hash key). */
  tenantKey: { table: 'tenant_secrets', column: 'sealed', rowId: "tenant_id || '/' || purpose" },
} as const satisfies Record<string, SealedColumn>;

export const sealedAt = (column: SealedColumn, rowId: string): SealedAt => ({ table: column.table, column: column.column, rowId });
