import { describe, expect, it, vi } from 'vitest';

describe('hot statements', () => {
  it('names a text once and stops naming new texts at the bound', async () => {
    vi.resetModules();
    const { hotStatementName, markHotStatement, maxHotStatements } = await import('./prepared-statements');
    expect(markHotStatement('select 1')).toBe(true);
    const name = hotStatementName('select 1');
    expect(markHotStatement('select 1')).toBe(true);
    expect(hotStatementName('select 1')).toBe(name);
    for (let i = 1; i < maxHotStatements; i++) expect(markHotStatement(`select ${i + 1}`)).toBe(true);
    expect(markHotStatement('select -1')).toBe(false);
    expect(hotStatementName('select -1')).toBeUndefined();
    expect(new Set(Array.from({ length: maxHotStatements }, (_, i) => hotStatementName(`select ${i + 1}`))).size).toBe(maxHotStatements);
  });
});
