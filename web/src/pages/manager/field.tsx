import { useId, type ReactNode } from 'react';

/**
 * A label above its control, tied by id rather than by nesting, so a select's accessible name is
 * its label alone (a wrapping label would add the selected option to it).
 */
export function Labelled({ label, className, children }: { label: string; className?: string; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className={`field${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}
