import type { translationOverrides } from '../../../db/schema/index.js';
import type { EditableText } from './catalogue.js';

export type OverrideRow = typeof translationOverrides.$inferSelect;

export interface OverrideView {
  id: string;
  programId: string;
  country: string;
  locale: string;
  namespace: string;
  key: string;
  value: string;
  updatedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const toOverrideView = (r: OverrideRow): OverrideView => ({
  id: r.id,
  programId: r.programId,
  country: r.country,
  locale: r.locale,
  namespace: r.namespace,
  key: r.key,
  value: r.value,
  updatedBy: r.updatedBy,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

/** One row of the manager's editor: the text as shipped, in English, and the country's override. */
export interface EditableTextView extends EditableText {
  /** `namespace:key`, the cursor of the next page. */
  id: string;
  override: Pick<OverrideView, 'id' | 'value' | 'updatedBy' | 'updatedAt'> | null;
}

/** `{ namespace: { key: value } }`, what the translator and the web app overlay on shipped texts. */
export type OverrideMap = Record<string, Record<string, string>>;
