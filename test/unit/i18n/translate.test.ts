import { describe, expect, it } from 'vitest';
import { localizedErrorMessage } from '../../../src/i18n/error-messages.js';
import { translator } from '../../../src/i18n/translate.js';

describe('translator', () => {
  it('reads shipped texts with plurals and placeholders', () => {
    const de = translator('de');
    expect(de('statements:caption', { count: 1 })).toBe('Mit dieser Auszahlung beglichene Provisionen (1 Position)');
    expect(de('statements:caption', { count: 4 })).toBe('Mit dieser Auszahlung beglichene Provisionen (4 Positionen)');
    expect(translator('ja')('statements:caption', { count: 1 })).toBe('この支払いで精算されたコミッション（1 件）');
    expect(translator('fr')('statements:logIndex', { index: 7 })).toBe('index 7 du journal');
  });

  it('lets overrides win for that call alone, plurals included', () => {
    const overridden = translator('de', { statements: { title: 'Ihre Gutschrift', caption_one: 'Eine Provision', logIndex: 'Eintrag #{{index}}' } });
    expect(overridden('statements:title')).toBe('Ihre Gutschrift');
    expect(overridden('statements:caption', { count: 1 })).toBe('Eine Provision');
    // No `_other` override: the shipped plural form.
    expect(overridden('statements:caption', { count: 2 })).toBe('Mit dieser Auszahlung beglichene Provisionen (2 Positionen)');
    expect(overridden('statements:logIndex', { index: 3 })).toBe('Eintrag #3');
    // Other namespaces, and the shipped translator, are untouched.
    expect(overridden('statements:total')).toBe('Summe');
    expect(translator('de')('statements:title')).toBe('Auszahlungsabrechnung');
  });

  it('prefers a zero form override for a count of 0, as i18next does', () => {
    const t = translator('en', { statements: { caption_zero: 'Nothing settled', caption_other: '{{count}} settled' } });
    expect(t('statements:caption', { count: 0 })).toBe('Nothing settled');
    expect(t('statements:caption', { count: 5 })).toBe('5 settled');
  });

  it('falls back to English for a key a locale lacks', () => {
    expect(translator('ja')('statements:noSuchKey', { defaultValue: 'fallback' })).toBe('fallback');
  });
});

describe('localizedErrorMessage', () => {
  it('lists a validation error’s fields in the locale’s way', () => {
    const details = { issues: [{ field: 'email', reason: 'bad' }, { field: 'name', reason: 'empty' }] };
    expect(localizedErrorMessage('de', 'validation_failed', details)).toBe('Diese Felder sind ungültig: email und name.');
    expect(localizedErrorMessage('ja', 'validation_failed', details)).toBe('入力内容に誤りがあります：email、name');
    expect(localizedErrorMessage('fr', 'validation_failed', { issues: [{ field: 'email', reason: 'bad' }] })).toBe('Ce champ n’est pas valide : email.');
  });

  it('fills placeholders from the details, and gives up rather than show a bare placeholder', () => {
    expect(localizedErrorMessage('es', 'insufficient_points', { spendable: 5, requested: 10 })).toBe('No hay puntos suficientes: 5 disponibles, 10 solicitados.');
    expect(localizedErrorMessage('es', 'insufficient_points', {})).toBeUndefined();
    expect(localizedErrorMessage('es', 'no_such_code', {})).toBeUndefined();
  });

  it('never lets a detail act as an i18next option', () => {
    expect(localizedErrorMessage('zh-CN', 'not_found', { lng: 'en', ns: 'statements', context: 'x', entity: 'Payout' })).toBe('未找到请求的资源。');
  });
});
