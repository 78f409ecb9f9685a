import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSessionUser } from '../../api/session';
import { useLoad } from '../../api/use-load';
import { Layout } from '../../components/layout';
import { Async } from '../../components/states';
import { usePath } from '../../router';
import './manager.css';
import { MarketsPage } from './markets';
import { PoliciesPage } from './policies';
import { ReviewPage } from './review';
import { Labelled } from './field';
import { loadMarkets, loadPrograms, ScopeProvider } from './scope';
import { TranslationsPage } from './translations';

/**
 * The regional manager's console (admins open it too, for every country): markets with their KPIs,
 * commission policies, the fraud review queue and translation overrides.
 */
export default function ManagerConsole() {
  const { t } = useTranslation('web-manager');
  const user = useSessionUser()!;
  const path = usePath();
  const [chosen, setChosen] = useState<string | null>(null);
  const programs = useLoad(() => loadPrograms(), [user.id]);
  const programId = chosen ?? programs.data?.[0]?.id ?? null;
  const markets = useLoad(async () => (programId ? await loadMarkets(user, programId) : []), [user.id, programId]);

  const tabs = [
    { to: '/manager', label: t('nav.markets') },
    { to: '/manager/policies', label: t('nav.policies') },
    { to: '/manager/review', label: t('nav.review') },
    { to: '/manager/translations', label: t('nav.translations') },
  ];
  const Page = { '/manager/policies': PoliciesPage, '/manager/review': ReviewPage, '/manager/translations': TranslationsPage }[path] ?? MarketsPage;

  return (
    <Layout title={t('title')} tabs={tabs} testId="dashboard-regional_manager">
      <Async state={programs} empty={<p>{t('scope.noProgram')}</p>} isEmpty={(list) => list.length === 0}>
        {(list) => (
          <>
            {list.length > 1 && (
              <div className="row manager-program">
                <Labelled label={t('scope.program')}>
                  {(id) => (
                    <select id={id} value={programId ?? ''} onChange={(e) => setChosen(e.target.value)}>
                      {list.map((p) => (
                        <option key={p.id} value={p.id}>
                          {p.name}
                        </option>
                      ))}
                    </select>
                  )}
                </Labelled>
              </div>
            )}
            <Async state={markets} empty={<p>{t('scope.noMarkets')}</p>} isEmpty={(m) => m.length === 0}>
              {(inScope) => {
                const program = list.find((p) => p.id === programId)!;
                return (
                  <ScopeProvider value={{ programs: list, program, markets: inScope }}>
                    <Page key={program.id} />
                  </ScopeProvider>
                );
              }}
            </Async>
          </>
        )}
      </Async>
    </Layout>
  );
}
