import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import { useLoad } from '../../api/use-load';
import { Async } from '../../components/states';

type ProgramsPage = Awaited<ReturnType<typeof loadPrograms>>;
export type Program = ProgramsPage['data'][number];

// Enough for any tenant's program picker; the Programs page pages through all of them.
const loadPrograms = () => call(api.v1.programs.$get({ query: { limit: '100' } }));

interface CurrentProgram {
  program: Program | null;
  programs: Program[];
  select: (id: string) => void;
  reload: () => void;
}

const Context = createContext<CurrentProgram | null>(null);
const KEY = 'trellis.admin.program';

/** The program the Markets, Tiers and Users pages work on, remembered for the tab's session. */
export function ProgramProvider({ children }: { children: ReactNode }) {
  const { t } = useTranslation('web-admin');
  const state = useLoad(loadPrograms, []);
  const [selected, setSelected] = useState<string | null>(() => sessionStorage.getItem(KEY));
  useEffect(() => {
    if (selected) sessionStorage.setItem(KEY, selected);
  }, [selected]);
  return (
    <Async state={state}>
      {(page) => {
        const program = page.data.find((p) => p.id === selected) ?? page.data[0] ?? null;
        return (
          <Context.Provider value={{ program, programs: page.data, select: setSelected, reload: state.reload }}>
            {page.data.length === 0 && <p className="notice">{t('programs.noneYet')}</p>}
            {children}
          </Context.Provider>
        );
      }}
    </Async>
  );
}

export function useCurrentProgram(): CurrentProgram {
  const value = useContext(Context);
  if (!value) throw new Error('useCurrentProgram outside ProgramProvider');
  return value;
}

/** The picker at the top of the program-scoped pages. */
export function ProgramPicker() {
  const { t } = useTranslation('web-admin');
  const { program, programs, select } = useCurrentProgram();
  if (programs.length < 2 || !program) return program ? <p className="muted program-current">{t('programs.current', { name: program.name })}</p> : null;
  return (
    <label className="program-picker">
      <span>{t('programs.pick')}</span>
      <select value={program.id} onChange={(e) => select(e.target.value)}>
        {programs.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Program-scoped pages render this until the tenant has a program. */
export function NeedsProgram({ children }: { children: (program: Program) => ReactNode }) {
  const { program } = useCurrentProgram();
  return program ? <>{children(program)}</> : null;
}
