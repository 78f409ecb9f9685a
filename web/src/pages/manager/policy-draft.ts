import { currencyDigits, toMinor } from '../../i18n/format';

/** The policy editor's form, as text fields, and its conversion to the API's terms. */

export type PolicyMode = 'per_signup' | 'per_transaction';

export interface PolicyVersion {
  id: string;
  version: number;
  effectiveFrom: string;
  mode: PolicyMode;
  currency: string;
  signupAmount: number | null;
  percentBps: number | null;
  flatAmount: number;
  minAmount: number | null;
  maxAmount: number | null;
  holdDays: number;
  attributionWindowDays: number;
  switchToPerTransactionAt: string | null;
  note: string | null;
  createdAt: string;
}

export interface PolicyDraft {
  mode: PolicyMode;
  signupAmount: string;
  percent: string;
  flatAmount: string;
  minAmount: string;
  maxAmount: string;
  holdDays: string;
  attributionWindowDays: string;
  switchAt: string;
  effectiveFrom: string;
  note: string;
}

/** The body of setCommissionPolicy / previewCommissionPolicy. */
export interface PolicyTermsBody {
  mode: PolicyMode;
  currency: string;
  signupAmount?: number | null;
  percentBps?: number | null;
  flatAmount?: number;
  minAmount?: number | null;
  maxAmount?: number | null;
  holdDays?: number;
  attributionWindowDays?: number;
  switchToPerTransactionAt?: string | null;
  effectiveFrom?: string;
  note?: string | null;
}

/** A client-side problem with a field: the key of its message in web-manager `policy.errors`. */
export type DraftErrors = Partial<Record<keyof PolicyTermsBody, string>>;

const majorText = (minor: number | null, currency: string) => (minor === null ? '' : (minor / 10 ** currencyDigits(currency)).toFixed(currencyDigits(currency)));

/** `2026-12-05T10:30` in the browser's zone, as <input type="datetime-local"> wants it. */
function localInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The editor starts from the version in force (or sensible terms for the market's stage). */
export function draftFrom(version: PolicyVersion | null, stage: 'new' | 'mature' | null, currency: string): PolicyDraft {
  if (!version) {
    return {
      mode: stage === 'mature' ? 'per_transaction' : 'per_signup',
      signupAmount: '',
      percent: '',
      flatAmount: '',
      minAmount: '',
      maxAmount: '',
      holdDays: '30',
      attributionWindowDays: '30',
      switchAt: '',
      effectiveFrom: '',
      note: '',
    };
  }
  return {
    mode: version.mode,
    signupAmount: majorText(version.signupAmount, currency),
    percent: version.percentBps === null ? '' : String(version.percentBps / 100),
    flatAmount: version.flatAmount ? majorText(version.flatAmount, currency) : '',
    minAmount: majorText(version.minAmount, currency),
    maxAmount: majorText(version.maxAmount, currency),
    holdDays: String(version.holdDays),
    attributionWindowDays: String(version.attributionWindowDays),
    switchAt: localInput(version.switchToPerTransactionAt),
    effectiveFrom: '',
    note: '',
  };
}

const wholeNumber = (text: string) => (/^\s*\d+\s*$/.test(text) ? Number(text) : null);

/** The terms to send, or the fields people must fix first (amounts that are not amounts...). */
export function termsFromDraft(draft: PolicyDraft, currency: string): { body: PolicyTermsBody; errors: DraftErrors } {
  const errors: DraftErrors = {};
  const amount = (field: keyof PolicyTermsBody, text: string): number | null => {
    if (text.trim() === '') return null;
    const minor = toMinor(text, currency);
    if (minor === null) errors[field] = 'amount';
    return minor;
  };
  const body: PolicyTermsBody = { mode: draft.mode, currency };
  const percentText = draft.percent.trim().replace(',', '.');
  let percentBps: number | null = null;
  if (percentText !== '') {
    const pct = /^\d+(\.\d{1,2})?$/.test(percentText) ? Number(percentText) : NaN;
    if (Number.isNaN(pct) || pct > 1000) errors.percentBps = 'percent';
    else percentBps = Math.round(pct * 100);
  }
  const usesSaleTerms = draft.mode === 'per_transaction' || draft.switchAt !== '';
  if (draft.mode === 'per_signup') {
    body.signupAmount = amount('signupAmount', draft.signupAmount);
    if (draft.switchAt) body.switchToPerTransactionAt = new Date(draft.switchAt).toISOString();
  }
  if (usesSaleTerms) {
    body.percentBps = percentBps;
    body.flatAmount = amount('flatAmount', draft.flatAmount) ?? 0;
    body.minAmount = amount('minAmount', draft.minAmount);
    body.maxAmount = amount('maxAmount', draft.maxAmount);
  }
  const hold = wholeNumber(draft.holdDays);
  if (hold === null) errors.holdDays = 'days';
  else body.holdDays = hold;
  const window = wholeNumber(draft.attributionWindowDays);
  if (window === null) errors.attributionWindowDays = 'days';
  else body.attributionWindowDays = window;
  if (draft.effectiveFrom) body.effectiveFrom = new Date(draft.effectiveFrom).toISOString();
  if (draft.note.trim()) body.note = draft.note.trim();
  return { body, errors };
}
