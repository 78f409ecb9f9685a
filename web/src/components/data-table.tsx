import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useLoad } from '../api/use-load';
import { Async } from './states';

export interface Column<Row> {
  key: string;
  header: ReactNode;
  cell: (row: Row) => ReactNode;
  /** Right-aligned, tabular figures (amounts, counts). */
  numeric?: boolean;
}

export interface Page<Row> {
  data: Row[];
  nextCursor: string | null;
}

/**
 * A table over a paginated list operation: the server pages (`?cursor=&limit=`), the table keeps
 * the cursors it has seen so Previous works without the server knowing about it.
 */
export function DataTable<Row>({
  caption,
  columns,
  load,
  deps = [],
  rowKey,
  empty,
  pageSize = 20,
}: {
  caption: string;
  columns: Column<Row>[];
  load: (page: { cursor?: string; limit: number }) => Promise<Page<Row>>;
  deps?: unknown[];
  rowKey: (row: Row) => string;
  empty: ReactNode;
  pageSize?: number;
}) {
  const { t } = useTranslation('web-common');
  // Other filters (deps) start again at the first page: an old cursor belongs to the old list.
  const depsKey = JSON.stringify(deps);
  const [paging, setPaging] = useState<{ key: string; cursors: (string | undefined)[] }>({ key: depsKey, cursors: [undefined] });
  const cursors = paging.key === depsKey ? paging.cursors : [undefined];
  const setCursors = (next: (current: (string | undefined)[]) => (string | undefined)[]) =>
    setPaging((p) => ({ key: depsKey, cursors: next(p.key === depsKey ? p.cursors : [undefined]) }));
  const cursor = cursors[cursors.length - 1];
  const state = useLoad(() => load({ cursor, limit: pageSize }), [cursor, pageSize, ...deps]);
  const pageNumber = cursors.length;
  return (
    <Async state={state} empty={empty} isEmpty={(p) => p.data.length === 0 && pageNumber === 1}>
      {(page) => (
        <div className="table-wrap">
          <table className="responsive">
            <caption className="visually-hidden">{caption}</caption>
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c.key} scope="col" className={c.numeric ? 'num' : undefined}>
                    {c.header}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {page.data.map((row) => (
                <tr key={rowKey(row)}>
                  {columns.map((c) => (
                    <td key={c.key} className={c.numeric ? 'num' : undefined} data-label={typeof c.header === 'string' ? c.header : undefined}>
                      {c.cell(row)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <nav className="pager" aria-label={t('table.pagination')}>
            <button type="button" disabled={pageNumber === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
              {t('table.previous')}
            </button>
            <span aria-live="polite">{t('table.page', { page: pageNumber })}</span>
            <button type="button" disabled={!page.nextCursor} onClick={() => page.nextCursor && setCursors((c) => [...c, page.nextCursor ?? undefined])}>
              {t('table.next')}
            </button>
          </nav>
        </div>
      )}
    </Async>
  );
}
