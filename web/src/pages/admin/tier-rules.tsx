import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import { Section } from '../../components/layout';
import { FormActions, TextField, intOrUndefined, useSubmit } from './form';
import { useCurrentProgram, type Program } from './program-context';

/** `settings.tiers` as stored; missing keys take the server's defaults (docs/tiers.md). */
interface TierSettings {
  windowMonths?: number;
  downgradeEnabled?: boolean;
  downgradeGraceDays?: number;
}

/** How the ladder is climbed and left: the rolling window, and whether members can drop a tier. */
export function TierRules({ program }: { program: Program }) {
  const { t } = useTranslation('web-admin');
  const { reload } = useCurrentProgram();
  const stored = (program.settings['tiers'] ?? {}) as TierSettings;
  const [windowMonths, setWindowMonths] = useState(String(stored.windowMonths ?? 12));
  const [downgrade, setDowngrade] = useState(stored.downgradeEnabled ?? false);
  const [grace, setGrace] = useState(String(stored.downgradeGraceDays ?? 30));
  const [saved, setSaved] = useState(false);
  const form = useSubmit(async () => {
    setSaved(false);
    const tiers = { windowMonths: intOrUndefined(windowMonths), downgradeEnabled: downgrade, downgradeGraceDays: intOrUndefined(grace) };
    await call(api.v1.programs[':programId'].$patch({ param: { programId: program.id }, json: { settings: { tiers } } }));
    setSaved(true);
    reload();
  });
  return (
    <Section title={t('tierRules.title')}>
      <p className="muted small">{t('tierRules.intro')}</p>
      <form className="admin-form" onSubmit={form.submit} noValidate>
        <TextField
          label={t('tierRules.windowMonths')}
          type="number"
          inputMode="numeric"
          min={1}
          max={120}
          value={windowMonths}
          onChange={(e) => setWindowMonths(e.target.value)}
          error={form.issueFor('settings.tiers.windowMonths')}
          hint={t('tierRules.windowHint')}
        />
        <label className="checkbox">
          <input type="checkbox" checked={downgrade} onChange={(e) => setDowngrade(e.target.checked)} />
          {t('tierRules.downgradeEnabled')}
        </label>
        <TextField
          label={t('tierRules.graceDays')}
          type="number"
          inputMode="numeric"
          min={0}
          max={365}
          value={grace}
          disabled={!downgrade}
          onChange={(e) => setGrace(e.target.value)}
          error={form.issueFor('settings.tiers.downgradeGraceDays')}
          hint={t('tierRules.graceHint')}
        />
        <FormActions busy={form.busy} formError={form.formError} hasIssues={form.hasIssues} submitLabel={t('tierRules.save')} />
        {saved && (
          <p className="notice wide" role="status">
            {t('tierRules.saved')}
          </p>
        )}
      </form>
    </Section>
  );
}
