import { asc, desc, gt, lt, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { parseInput } from './validation.js';

/**
 * Cursor pagination over time-ordered ids (db/ids.ts): a page is the rows with `id > cursor`,
 * ordered by id, and the cursor is the last id handed out. Rows created later never shift a page.
 */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export const pageInputSchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  cursor: z.string().min(1).max(200).optional(),
});

export type PageInput = z.input<typeof pageInputSchema>;

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** Resolves the limit callers should fetch: one more than the page size, to know if more follow. */
export function pageLimit(input: PageInput | undefined): { limit: number; fetch: number; cursor?: string } {
  const parsed = parseInput(pageInputSchema, input ?? {}, 'query');
  return { limit: parsed.limit, fetch: parsed.limit + 1, cursor: parsed.cursor };
}

/** Cuts the over-fetched rows to a page and derives the next cursor. */
export function toPage<T extends { id: string }, V = T>(rows: T[], limit: number, view: (row: T) => V = (r) => r as unknown as V): Page<V> {
  const more = rows.length > limit;
  const slice = more ? rows.slice(0, limit) : rows;
  return { data: slice.map(view), nextCursor: more ? slice[slice.length - 1]!.id : null };
}

/** `?order=` of lists people read newest first (links, commissions); oldest first by default. */
export const listOrderSchema = z.enum(['oldest', 'newest']).default('oldest').describe('oldest (the default) or newest first');
export type ListOrder = z.output<typeof listOrderSchema>;

/**
 * Keyset paging over a time-ordered id column in either direction: the condition that starts a
 * page after `cursor`, and the ordering. The cursor stays the last id handed out.
 */
export function idPaging(column: AnyPgColumn, order: ListOrder, cursor: string | undefined): { after: SQL | undefined; orderBy: SQL } {
  const newest = order === 'newest';
  return {
    after: cursor === undefined ? undefined : newest ? lt(column, cursor) : gt(column, cursor),
    orderBy: newest ? desc(column) : asc(column),
  };
}
