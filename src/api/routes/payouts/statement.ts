import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { statementCsv } from '../../../payouts/statements/csv.js';
import { STATEMENT_STYLE, statementHtml } from '../../../payouts/statements/html.js';
import { buildStatement } from '../../../payouts/statements/statement.js';
import { translatorForMember } from '../../../i18n/overrides/translator.js';
import type { AppEnv } from '../../env.js';
import { serverPageSecurityHeaders } from '../../security-headers.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { pathParam } from '../../pagination.js';

const StatementParams = z.object({ programId: pathParam('programId'), payoutId: pathParam('payoutId') });
const StatementQuery = z.object({
  format: z.enum(['html', 'csv']).default('html').openapi({ description: '`html`: a printable page; `csv`: one row per commission.' }),
});

export const getPayoutStatementRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/payouts/{payoutId}/statement',
  operationId: 'getPayoutStatement',
  tags: ['Payouts'],
  summary: 'Get a payout statement (HTML or CSV)',
  description:
    'Every commission the payout settled, with its amounts, its status history and the transparency-log index of each change, ' +
    'so the affiliate can prove every line (docs/statements.md). Admins of the program and the paid affiliate only; ' +
    'another affiliate’s payout is not found.',
  access: ['admin', 'affiliate'],
  request: { params: StatementParams, query: StatementQuery },
  responses: {
    200: {
      description: 'The statement.',
      content: { 'text/html': { schema: z.string() }, 'text/csv': { schema: z.string() } },
    },
  },
});

export function registerGetPayoutStatement(app: OpenAPIHono<AppEnv>) {
  // The page has no scripts and loads nothing: its policy allows its own stylesheet only.
  app.use('/v1/programs/:programId/payouts/:payoutId/statement', serverPageSecurityHeaders(STATEMENT_STYLE));
  return app.openapi(getPayoutStatementRoute, async (c) => {
    const { programId, payoutId } = c.req.valid('param');
    const { format } = c.req.valid('query');
    const statement = await buildStatement(serviceContext(c), programId, payoutId, c.get('locale'));
    const filename = `trellis-statement-${statement.payout.id}.${format}`;
    c.header('cache-control', 'private, no-store');
    if (format === 'csv') {
      c.header('content-type', 'text/csv; charset=utf-8');
      c.header('content-disposition', `attachment; filename="${filename}"`);
      return c.body(statementCsv(statement), 200);
    }
    const deps = c.get('deps');
    const baseUrl = deps.config.PUBLIC_URL;
    c.header('content-type', 'text/html; charset=utf-8');
    c.header('content-disposition', `inline; filename="${filename}"`);
    // The affiliate's country's overrides (docs/translation-overrides.md) over the shipped labels.
    const translate = await translatorForMember(deps.db, { programId, memberId: statement.affiliate.memberId, locale: statement.language });
    return c.body(statementHtml(statement, { origin: deps.log.origin, baseUrl, translate }), 200);
  });
}
