import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { listPartnerEntries } from '../../../transparency/entries/partner-entries.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { PageQuerySchema } from '../../pagination.js';
import { json, MemberParams, pageOf } from '../members/schemas.js';

const PartnerEntrySchema = z
  .object({
    index: z.number().int().nullable().openapi({ description: 'The entry’s index in the log; null until sequenced (within seconds).' }),
    leafHash: z.string().openapi({ description: 'base64 of SHA-256(0x00 || entry), the RFC 9162 leaf hash.' }),
    type: z.string().openapi({ example: 'commission.created' }),
    recordedAt: z.string().openapi({ example: '2024-01-31T12:00:00.000Z' }),
    entry: z.string().openapi({ description: 'The entry exactly as logged (RFC 8785 canonical JSON); docs/log-entries.md describes every type.' }),
    receipt: z.string().openapi({ description: 'The log’s signed promise to include the entry (compact JWS, typ `trellis-receipt+jws`).' }),
  })
  .openapi('PartnerLogEntry');

export const listAffiliateReceiptsRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/affiliates/{memberId}/receipts',
  operationId: 'listAffiliateReceipts',
  tags: ['Affiliates'],
  summary: 'List an affiliate’s log entries with their receipts',
  description:
    'Newest first: every transparency log entry that belongs to the affiliate (conversions credited to them, every change of their commissions), ' +
    'with its receipt and, once sequenced, its index. An affiliate reads their own only; regional managers those of affiliates in their countries.',
  access: ['admin', 'regional_manager', 'affiliate'],
  request: { params: MemberParams, query: PageQuerySchema },
  responses: { 200: json(pageOf(PartnerEntrySchema, 'PartnerLogEntryPage'), 'One page of entries.') },
});

export function registerListAffiliateReceipts(app: OpenAPIHono<AppEnv>) {
  return app.openapi(listAffiliateReceiptsRoute, async (c) => {
    const { programId, memberId } = c.req.valid('param');
    return c.json(await listPartnerEntries(serviceContext(c), c.get('deps').log, programId, memberId, c.req.valid('query')), 200);
  });
}
