import { useTranslation } from 'react-i18next';
import { useLoad } from '../../api/use-load';
import { BarChart } from '../../components/charts';
import { Async } from '../../components/states';
import { useFormat } from '../../i18n/format';
import { loadHistory, type HistoryItem, type Me } from './queries';

const MONTHS = 6;
const PAGE = 200;
const MAX_PAGES = 5;

/** The first day (UTC) of each of the last `MONTHS` months, oldest first. */
function lastMonths(now: Date): Date[] {
  return Array.from({ length: MONTHS }, (_, i) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (MONTHS - 1 - i), 1)));
}

/** Reads the history newest first until it reaches entries older than the chart's first month. */
async function recentEntries(me: Me, since: Date): Promise<HistoryItem[]> {
  const out: HistoryItem[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await loadHistory(me, { cursor, limit: PAGE });
    out.push(...page.data);
    const oldest = page.data[page.data.length - 1];
    if (!page.nextCursor || !oldest || new Date(oldest.createdAt) < since) break;
    cursor = page.nextCursor;
  }
  return out;
}

/** Points earned per month over the last six months. */
export function PointsChart({ me }: { me: Me }) {
  const { t } = useTranslation('web-member');
  const f = useFormat();
  const months = lastMonths(new Date());
  const state = useLoad(() => recentEntries(me, months[0]!), [me.programId, me.memberId]);
  const monthName = new Intl.DateTimeFormat(f.locale, { month: 'short', timeZone: 'UTC' });
  return (
    <Async state={state}>
      {(entries) => {
        const totals = months.map(() => 0);
        for (const e of entries) {
          if (e.amount <= 0 || (e.kind !== 'earn' && e.kind !== 'adjust')) continue;
          const at = new Date(e.createdAt);
          const index = months.findIndex((m) => m.getUTCFullYear() === at.getUTCFullYear() && m.getUTCMonth() === at.getUTCMonth());
          if (index >= 0) totals[index]! += e.amount;
        }
        return (
          <div className="member-chart">
            <BarChart
              label={t('chart.label')}
              items={months.map((m, i) => ({ label: monthName.format(m), value: totals[i]! }))}
              formatValue={(n) => f.number(n)}
            />
          </div>
        );
      }}
    </Async>
  );
}
