import { z } from '@hono/zod-openapi';
import { SEGMENTS } from '../../../core/segments/classify.js';
import { pathParam } from '../../pagination.js';

export const SegmentNameSchema = z.enum(SEGMENTS).openapi('SegmentName', { description: 'An automatic RFM segment; see docs/segments.md.' });

export const ProgramParamsSchema = z.object({ programId: pathParam('programId') });
