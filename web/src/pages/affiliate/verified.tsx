import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { useLoad } from '../../api/use-load';
import { CopyButton } from '../../components/copy-button';
import { Section } from '../../components/layout';
import { Async, ErrorState } from '../../components/states';
import { useFormat } from '../../i18n/format';
import { apiLogSource } from '../../verify/api-source';
import type { KeyValueStore } from '../../verify/consistency';
import type { EntryResult } from '../../verify/entries';
import { checkMyEntries, loadCheckpoint, pinVkey, type CheckpointState, type EntriesReport, type LogSource, type Progress } from '../../verify/run';
import './verified.css';

/** localStorage, or a memory stand-in where the browser refuses it (private windows, blocked storage). */
function browserStore(): KeyValueStore {
  try {
    window.localStorage.getItem('trellis.verify.probe');
    return window.localStorage;
  } catch {
    const items = new Map<string, string>();
    return { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v) };
  }
}

/** WebCrypto without Ed25519 (older browsers) says so in words, not as a DOMException name. */
function explain(err: unknown, t: (key: string, opts?: Record<string, unknown>) => string): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof DOMException && err.name === 'NotSupportedError') return new ApiError(0, 'client_error', t('error.unsupported'));
  return new ApiError(0, 'client_error', t('error.unexpected', { message: err instanceof Error ? err.message : String(err) }));
}

const Badge = ({ tone, children }: { tone: 'ok' | 'warn' | 'danger'; children: string }) => <span className={`badge ${tone}`}>{children}</span>;

/**
 * The affiliate's "verified" panel: the latest checkpoint checked with WebCrypto against the
 * log key pinned in this browser, the append-only check against the checkpoint seen last, and
 * on demand every one of the affiliate's entries (receipt, leaf hash, inclusion proof) and the
 * dashboard's commissions against them. The logic is in web/src/verify/.
 */
export function VerifiedPanel({ programId, memberId }: { programId: string; memberId: string }) {
  const { t } = useTranslation('web-verify');
  const source = useMemo(() => apiLogSource(programId, memberId), [programId, memberId]);
  const store = useMemo(browserStore, []);
  const state = useLoad(() => loadCheckpoint(source, store).catch((err: unknown) => Promise.reject(explain(err, t))), [source]);

  return (
    <div className="verified" data-testid="verified-panel">
      <div className="verified-head">
        <h2>{t('title')}</h2>
        <p className="verified-intro">{t('intro')}</p>
      </div>
      <Section
        title={t('checkpoint.title')}
        actions={
          <button type="button" className="secondary" onClick={state.reload} disabled={state.status === 'loading'}>
            {t('checkpoint.refresh')}
          </button>
        }
      >
        <Async state={state}>{(s) => <CheckpointCard state={s} store={store} onChange={state.reload} />}</Async>
      </Section>
      {state.data?.checkpoint && <EntriesCheck source={source} state={state.data} memberId={memberId} onCheckpoint={state.reload} />}
      <Independent vkey={state.data?.vkey} />
    </div>
  );
}

function CheckpointCard({ state, store, onChange }: { state: CheckpointState; store: KeyValueStore; onChange: () => void }) {
  const { t } = useTranslation('web-verify');
  const f = useFormat();
  const c = state.checkpoint;
  const pinnedAt = state.pinnedAt ? f.dateTime(state.pinnedAt) : '';
  return (
    <div className="stack">
      <dl className="verified-facts" data-testid="verified-checkpoint">
        <dt>{t('checkpoint.signature')}</dt>
        <dd data-testid="verified-signature" data-status={c ? 'ok' : 'failed'}>
          {c ? <Badge tone="ok">{t('checkpoint.signatureOk')}</Badge> : <Badge tone="danger">{t('checkpoint.signatureFailed')}</Badge>}
          {c && c.cosignatures > 0 && <span className="muted small"> {t('checkpoint.cosignatures', { count: c.cosignatures })}</span>}
          {/* i18n-keys: reason.vkey_malformed reason.signature_invalid reason.not_signed_by_log reason.checkpoint_malformed reason.origin_mismatch */}
          {state.failure && <p className="form-error">{t(`reason.${state.failure.code}`)}</p>}
        </dd>
        {c && (
          <>
            <dt>{t('checkpoint.origin')}</dt>
            <dd className="mono">{c.origin}</dd>
            <dt>{t('checkpoint.size')}</dt>
            <dd data-testid="verified-size" data-size={c.size}>
              {t('checkpoint.entries', { count: c.size, n: f.number(c.size) })}
            </dd>
            <dt>{t('checkpoint.root')}</dt>
            <dd className="mono verified-hash">{c.rootBase64}</dd>
            <dt>{t('checkpoint.signedAt')}</dt>
            <dd>{state.signedAt ? f.dateTime(state.signedAt) : <span className="muted">{t('checkpoint.signedAtUnknown')}</span>}</dd>
          </>
        )}
        <dt>{t('checkpoint.key')}</dt>
        <dd>
          <div className="verified-key">
            <code className="mono verified-hash">{state.vkey}</code>
            <CopyButton text={state.vkey} />
          </div>
          {/* i18n-keys: key.first_use key.pinned key.changed */}
          <p className={`small ${state.keyPin === 'changed' ? 'form-error' : 'muted'}`}>{t(`key.${state.keyPin}`, { date: pinnedAt })}</p>
          {state.keyPin === 'changed' && (
            <div className="stack verified-served">
              <span className="small">{t('key.served')}</span>
              <code className="mono verified-hash">{state.servedVkey}</code>
              <button
                type="button"
                className="danger"
                onClick={() => {
                  pinVkey(store, state.servedVkey);
                  onChange();
                }}
              >
                {t('key.trust')}
              </button>
            </div>
          )}
        </dd>
      </dl>
      {c && state.consistency && <Consistency state={state} />}
      <a className="small" href="/log/checkpoint" target="_blank" rel="noreferrer">
        {t('checkpoint.raw')}
      </a>
    </div>
  );
}

function Consistency({ state }: { state: CheckpointState }) {
  const { t } = useTranslation('web-verify');
  const f = useFormat();
  const { status, previous } = state.consistency!;
  const tone = status === 'shrunk' || status === 'forked' ? 'danger' : status === 'unproven' ? 'warn' : 'ok';
  const params = { from: f.number(previous?.size ?? 0), to: f.number(state.checkpoint!.size), date: previous ? f.dateTime(previous.seenAt) : '' };
  return (
    <div className={`verified-consistency ${tone}`} data-testid="verified-consistency" data-status={status} role={tone === 'danger' ? 'alert' : undefined}>
      <Badge tone={tone}>{t('consistency.title')}</Badge>
      {/* i18n-keys: consistency.first consistency.unchanged consistency.extended consistency.shrunk consistency.forked consistency.unproven */}
      <span>{t(`consistency.${status}`, params)}</span>
    </div>
  );
}

function EntriesCheck({ source, state, memberId, onCheckpoint }: { source: LogSource; state: CheckpointState; memberId: string; onCheckpoint: () => void }) {
  const { t } = useTranslation('web-verify');
  const [progress, setProgress] = useState<Progress | null>(null);
  const [report, setReport] = useState<EntriesReport | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const checkpoint = state.checkpoint!;
  const run = async () => {
    setError(null);
    setReport(null);
    setProgress({ phase: 'listing', done: 0, total: 0 });
    try {
      setReport(await checkMyEntries(source, checkpoint, memberId, setProgress));
    } catch (err) {
      setError(explain(err, t));
    } finally {
      setProgress(null);
    }
  };
  const running = progress !== null;
  return (
    <Section
      title={t('check.title')}
      actions={
        <button type="button" onClick={() => void run()} disabled={running} data-testid="verified-check">
          {running ? t('check.running') : report ? t('check.again') : t('check.button')}
        </button>
      }
    >
      <p className="muted small">{t('check.hint')}</p>
      {progress && <CheckProgress progress={progress} />}
      {error && <ErrorState error={error} onRetry={() => void run()} />}
      {report && <EntriesReportView report={report} onCheckpoint={onCheckpoint} />}
    </Section>
  );
}

function CheckProgress({ progress }: { progress: Progress }) {
  const { t } = useTranslation('web-verify');
  const label = progress.phase === 'listing' ? t('check.listing') : progress.phase === 'comparing' ? t('check.comparing') : t('check.progress', { done: progress.done, total: progress.total });
  const ratio = progress.total ? progress.done / progress.total : 0;
  return (
    <div className="stack verified-progress" role="status" aria-live="polite" aria-busy="true">
      <span className="small">{label}</span>
      <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={progress.total || 1} aria-valuenow={progress.done}>
        <span style={{ width: `${Math.round(ratio * 100)}%` }} />
      </div>
    </div>
  );
}

function EntriesReportView({ report, onCheckpoint }: { report: EntriesReport; onCheckpoint: () => void }) {
  const { t } = useTranslation('web-verify');
  const f = useFormat();
  if (report.entries.length === 0) return <p className="state state-empty">{t('check.empty')}</p>;
  const allGood = report.failed === 0 && report.mismatches.length === 0;
  return (
    <div className="stack" data-testid="verified-report" data-verified={report.verified} data-failed={report.failed} data-pending={report.pending}>
      <div className={`verified-summary ${allGood ? 'ok' : 'danger'}`} data-testid="verified-summary" role={allGood ? 'status' : 'alert'}>
        <strong>{t('check.summary', { count: report.verified, size: f.number(report.checkpointSize) })}</strong>
        {report.failed > 0 && <span>{t('check.failed', { count: report.failed })}</span>}
        {report.pending > 0 && (
          <span>
            {t('check.pending', { count: report.pending })}{' '}
            <button type="button" className="secondary" onClick={onCheckpoint}>
              {t('checkpoint.refresh')}
            </button>
          </span>
        )}
      </div>
      <div className="table-wrap">
        <table className="responsive" data-testid="verified-entries">
          <caption className="visually-hidden">{t('check.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('table.type')}</th>
              <th scope="col" className="num">
                {t('table.amount')}
              </th>
              <th scope="col" className="num">
                {t('table.index')}
              </th>
              <th scope="col">{t('table.result')}</th>
            </tr>
          </thead>
          <tbody>
            {report.entries.map((e) => (
              <EntryRow key={e.leafHash} entry={e} />
            ))}
          </tbody>
        </table>
      </div>
      <DashboardComparison report={report} />
    </div>
  );
}

function EntryRow({ entry: e }: { entry: EntryResult }) {
  const { t } = useTranslation('web-verify');
  const f = useFormat();
  const typeKey = `type.${e.type.replace(/\./g, '_')}`;
  const tone = e.status === 'ok' ? 'ok' : e.status === 'pending' ? 'warn' : 'danger';
  return (
    <tr data-testid="verified-entry" data-status={e.status}>
      {/* i18n-keys: type.conversion_decided type.commission_created type.commission_released type.commission_approved type.commission_rejected type.commission_reversed type.commission_clawback type.commission_paid type.commission_unpaid type.payout_paid type.payout_failed type.payout_reversed type.stats_affiliate_daily */}
      <td data-label={t('table.type')}>{t(typeKey, { defaultValue: e.type })}</td>
      <td data-label={t('table.amount')} className="num">
        {e.money ? f.money(e.money.amount, e.money.currency) : '–'}
        {/* i18n-keys: commissionStatus.pending commissionStatus.held commissionStatus.approved commissionStatus.paid commissionStatus.reversed commissionStatus.rejected */}
        {e.commissionStatus && <span className="muted small"> · {t(`commissionStatus.${e.commissionStatus}`, { defaultValue: e.commissionStatus })}</span>}
      </td>
      <td data-label={t('table.index')} className="num">
        {e.index ?? '–'}
      </td>
      <td data-label={t('table.result')}>
        {/* i18n-keys: status.ok status.pending status.failed */}
        <Badge tone={tone}>{t(`status.${e.status}`)}</Badge>
        {/* i18n-keys: reason.leaf_hash_mismatch reason.not_canonical reason.type_mismatch reason.other_partner reason.receipt_invalid reason.receipt_other_origin reason.receipt_other_leaf reason.proof_unavailable reason.inclusion_failed */}
        {e.reason && (
          <div className="small verified-reason" title={e.detail}>
            {t(`reason.${e.reason}`)}
          </div>
        )}
      </td>
    </tr>
  );
}

function DashboardComparison({ report }: { report: EntriesReport }) {
  const { t } = useTranslation('web-verify');
  return (
    <div className="stack" data-testid="verified-dashboard" data-mismatches={report.mismatches.length}>
      <h3>{t('dashboard.title')}</h3>
      {report.mismatches.length === 0 ? (
        <p>
          <Badge tone="ok">{t('status.ok')}</Badge> {t('dashboard.ok', { count: report.commissionsOnDashboard })}
        </p>
      ) : (
        <ul className="verified-mismatches">
          {/* i18n-keys: dashboard.not_in_log dashboard.not_on_dashboard dashboard.differs */}
          {report.mismatches.map((m) => (
            <li key={`${m.commissionId}-${m.code}`} className="form-error">
              {t(`dashboard.${m.code}`, { id: m.commissionId, fields: m.fields.join(', ') })}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Independent({ vkey }: { vkey: string | undefined }) {
  const { t } = useTranslation('web-verify');
  const command = `npm run verify -- ${location.origin} "${vkey ?? '<vkey>'}" --email <email> --password <password>`;
  return (
    <Section title={t('independent.title')}>
      <p>{t('independent.text')}</p>
      <div className="verified-key">
        <code className="mono verified-command">{command}</code>
        <CopyButton text={command} />
      </div>
      <p className="small muted">
        {t('independent.docs')} <a href="/docs">{t('independent.apiReference')}</a>
      </p>
    </Section>
  );
}
