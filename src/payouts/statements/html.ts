import { formatDate, formatDateTime, formatDecimal, formatMoney } from './format.js';
import { translator, type Translate } from '../../i18n/translate.js';
import { statementLabels, type StatementLabels } from './labels.js';
import type { LogPosition, Statement, StatementHistoryEntry, StatementLine } from './statement.js';
import { escapeHtml } from '../../html-escape.js';

/**
 * A statement as one standalone HTML page: no scripts, no external resources, printable, a real
 * table (caption, header cells with scope) for screen readers. Every text from the database is
 * escaped; every label comes from labels.ts (the `statements` namespace in the statement's
 * language); amounts and dates are formatted by Intl in the statement's locale.
 */

export interface StatementPageOptions {
  /** The log's origin, the first line of its checkpoints (TRANSPARENCY_ORIGIN). */
  origin: string;
  /** Where the API and `/log/` are served, without a trailing slash. */
  baseUrl: string;
  /** The texts, e.g. with a regional manager's overrides; the shipped ones in `s.language` otherwise. */
  translate?: Translate;
}


/** The statement's one stylesheet; the page's Content-Security-Policy allows exactly it (by hash). */
export const STATEMENT_STYLE = `
  body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111; margin: 2rem; }
  h1 { font-size: 1.5rem; margin: 0 0 1rem; }
  h2 { font-size: 1.1rem; margin: 2rem 0 .5rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1.5rem; margin: 0 0 1.5rem; }
  dt { font-weight: 600; }
  dd { margin: 0; }
  table { border-collapse: collapse; width: 100%; }
  caption { text-align: left; font-weight: 600; padding: .5rem 0; }
  th, td { border: 1px solid #bbb; padding: .3rem .45rem; vertical-align: top; text-align: left; }
  thead th { background: #eee; }
  .num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
  .id { font-family: ui-monospace, monospace; font-size: .85em; word-break: break-all; }
  ol.history { margin: 0; padding-left: 1.1rem; }
  tfoot th, tfoot td { font-weight: 600; }
  .alert { border: 2px solid #a00; padding: .5rem; color: #a00; }
  code { font-family: ui-monospace, monospace; word-break: break-all; }
  footer { margin-top: 2rem; font-size: .92em; }
  @media print { body { margin: 0; font-size: 10pt; } a { color: inherit; text-decoration: none; } thead { display: table-header-group; } tr { break-inside: avoid; } }
`;

class Page {
  constructor(
    readonly s: Statement,
    readonly t: StatementLabels,
    readonly opts: StatementPageOptions,
  ) {}

  money = (minor: number, currency: string) => escapeHtml(formatMoney(minor, currency, this.s.locale));
  time = (at: Date) => `<time datetime="${at.toISOString()}">${escapeHtml(formatDateTime(at, this.s.locale))}</time>`;
  day = (at: Date) => `<time datetime="${at.toISOString()}">${escapeHtml(formatDate(at, this.s.locale))}</time>`;
  proofUrl = (index: number) => `${this.opts.baseUrl}/v1/log/proofs/inclusion?index=${index}`;

  position(p: LogPosition | null): string {
    if (p === null) return escapeHtml(this.t.missingEntry);
    if (p.index === null) return `<span title="${escapeHtml(p.leafHash)}">${escapeHtml(this.t.pendingEntry)}</span>`;
    return `<a href="${escapeHtml(this.proofUrl(p.index))}">${escapeHtml(this.t.logIndex(p.index))}</a>`;
  }

  historyItem(h: StatementHistoryEntry): string {
    const change = h.type.slice(h.type.indexOf('.') + 1);
    const reason = h.reason ? ` · ${escapeHtml(this.t.reasons[h.reason] ?? h.reason)}` : '';
    return `<li>${escapeHtml(this.t.changes[change] ?? h.type)} · ${this.time(h.at)}${reason} · ${this.position(h)}</li>`;
  }

  header(): string {
    const { s, t } = this;
    const p = s.payout;
    const rows: [string, string][] = [
      [t.program, escapeHtml(s.program.name)],
      [t.affiliate, escapeHtml(s.affiliate.name)],
      [t.payout, `<span class="id">${escapeHtml(p.id)}</span>`],
      [t.amount, this.money(p.amount, p.currency)],
      [t.status, escapeHtml(t.statuses[p.status])],
      [t.method, escapeHtml(t.methods[p.method])],
    ];
    if (p.stripeTransferId) rows.push([t.transfer, `<span class="id">${escapeHtml(p.stripeTransferId)}</span>`]);
    if (p.manualReference) rows.push([t.manualReference, escapeHtml(p.manualReference)]);
    rows.push([t.paidAt, p.paidAt ? this.time(p.paidAt) : escapeHtml(t.notPaid)]);
    rows.push([t.run, `<span class="id">${escapeHtml(p.runId)}</span>${p.runPeriod ? ` (${escapeHtml(p.runPeriod)})` : ''}`]);
    if (p.reversedAmount > 0) rows.push([t.reversedAmount, this.money(p.reversedAmount, p.currency)]);
    rows.push([t.payoutLogEntry, s.payoutEntry || p.status === 'paid' || p.status === 'reversed' ? this.position(s.payoutEntry) : escapeHtml(t.none)]);
    const others = s.payoutHistory.filter((e) => e.type !== 'payout.paid');
    if (others.length) rows.push([t.payoutOtherEntries, `<ol class="history">${others.map((e) => this.historyItem(e)).join('')}</ol>`]);
    return `<dl>${rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;
  }

  line(l: StatementLine): string {
    const { s, t } = this;
    const sale = l.saleAmount === null || l.saleCurrency === null ? escapeHtml(t.none) : this.money(l.saleAmount, l.saleCurrency);
    const market = l.market ? escapeHtml(l.market) : escapeHtml(t.none);
    return (
      `<tr><th scope="row" class="id">${escapeHtml(l.commissionId)}</th>` +
      `<td>${escapeHtml(l.conversionExternalId)}<br><span class="id">${escapeHtml(l.conversionId)}</span></td>` +
      `<td>${escapeHtml(t.kinds[l.kind])}</td><td>${market}</td><td>${this.day(l.conversionAt)}</td>` +
      `<td class="num">${sale}</td><td class="num">${this.money(l.commissionAmount, l.commissionCurrency)}</td>` +
      `<td class="num">${escapeHtml(formatDecimal(l.fxRate, s.locale))}</td><td class="num">${this.money(l.amount, s.payout.currency)}</td>` +
      `<td>${l.paidEntry || s.payout.status === 'paid' || s.payout.status === 'reversed' ? this.position(l.paidEntry) : escapeHtml(t.none)}</td>` +
      `<td><ol class="history">${l.history.map((h) => this.historyItem(h)).join('')}</ol></td></tr>`
    );
  }

  table(): string {
    const { s, t } = this;
    const c = t.columns;
    const heads = [c.commission, c.conversion, c.kind, c.market, c.conversionDate, c.sale, c.commissionAmount, c.fxRate, c.amount, c.paidEntry, c.history];
    const sum = (label: string, minor: number) =>
      `<tr><th scope="row" colspan="8">${escapeHtml(label)}</th><td class="num">${this.money(minor, s.payout.currency)}</td><td colspan="2"></td></tr>`;
    const foot = [
      s.totals.clawbacks !== 0 ? sum(t.subtotalCommissions, s.totals.commissions) + sum(t.subtotalClawbacks, s.totals.clawbacks) : '',
      sum(t.total, s.totals.total),
    ].join('');
    return (
      `<table><caption>${escapeHtml(t.caption(s.lines.length))}</caption>` +
      `<thead><tr>${heads.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>` +
      `<tbody>${s.lines.map((l) => this.line(l)).join('')}</tbody><tfoot>${foot}</tfoot></table>`
    );
  }

  footer(): string {
    const { s, t, opts } = this;
    const f = t.footer;
    const example = s.lines.find((l) => l.paidEntry?.index != null)?.paidEntry?.index ?? s.payoutEntry?.index ?? 0;
    const checkpoint = `${opts.baseUrl}/log/checkpoint`;
    const logUrl = `${opts.baseUrl}/log`;
    return (
      `<footer><h2>${escapeHtml(f.heading)}</h2><p>${escapeHtml(f.intro)}</p><ol>` +
      `<li>${escapeHtml(f.origin(opts.origin))}</li>` +
      `<li>${escapeHtml(f.checkpoint)} <code>${escapeHtml(checkpoint)}</code></li>` +
      `<li>${escapeHtml(f.proof)} <code>${escapeHtml(this.proofUrl(example).replace(/index=\d+$/, 'index=N'))}</code> (<a href="${escapeHtml(this.proofUrl(example))}">index=${example}</a>)</li>` +
      `<li>${escapeHtml(f.verifier)} <code>npx trellis-verify ${escapeHtml(logUrl)} "$(curl -s ${escapeHtml(logUrl)}/vkey)" --email &lt;email&gt; --password &lt;password&gt;</code></li>` +
      `</ol><p>${escapeHtml(f.pending)}</p><p>${escapeHtml(f.times)} ${escapeHtml(f.generated(formatDateTime(s.generatedAt, s.locale)))}</p></footer>`
    );
  }

  render(): string {
    const { s, t } = this;
    const mismatch = s.totals.total !== s.payout.amount ? `<p class="alert" role="alert">${escapeHtml(t.totalMismatch(formatMoney(s.payout.amount, s.payout.currency, s.locale)))}</p>` : '';
    return (
      `<!doctype html>\n<html lang="${escapeHtml(t.lang)}"><head><meta charset="utf-8">` +
      `<meta name="viewport" content="width=device-width, initial-scale=1">` +
      `<title>${escapeHtml(`${t.title} · ${s.program.name} · ${s.payout.id}`)}</title><style>${STATEMENT_STYLE}</style></head>` +
      `<body><main><h1>${escapeHtml(t.title)}</h1>${this.header()}${this.table()}${mismatch}${this.footer()}</main></body></html>\n`
    );
  }
}

/** The statement page; its labels are in `s.language`, the numbers and dates follow `s.locale`. */
export function statementHtml(s: Statement, opts: StatementPageOptions): string {
  return new Page(s, statementLabels(opts.translate ?? translator(s.language), s.language), opts).render();
}
