/**
 * Imported bcrypt hashes (docs/decisions.md, "Throttling and secrets"): only costs the hasher accepts (10..16)
 * and canonical bcrypt encodings come in, so no imported row can make a sign-in run bcrypt for hours
 * (cost 31) or fail with a 500 (costs bcrypt refuses: 00, 99).
 */
import bcrypt from 'bcryptjs';
import { expect, it } from 'vitest';
import { describeEachTarget } from './harness';
import { expectProblem, seedAs, toNdjson } from './support';

describeEachTarget('imported hash costs', ({ h, start }) => {
  it('a password_hash of cost 31, 99 or 00 (or a malformed salt) is 400 VALIDATION_ERROR naming its row, and nothing is imported', async () => {
    await start();
    const admin = await seedAs(h, 'admin');
    const good = bcrypt.hashSync('a legacy passphrase', 10);
    const withCost = (cost: string) => good.replace('$10$', `$${cost}$`);
    const rows = [
      { email: 'fine@example.com', password_hash: good }, // 1
      { email: 'c31@example.com', password_hash: withCost('31') }, // 2
      { email: 'c99@example.com', password_hash: withCost('99') }, // 3
      { email: 'c00@example.com', password_hash: withCost('00') }, // 4
      { email: 'salt@example.com', password_hash: `${good.slice(0, 28)}b${good.slice(29)}` }, // 5
      { email: 'c16@example.com', password_hash: withCost('16') }, // 6: in range, shape fine
    ];
    const res = await h.request('POST', '/api/users/import', { token: admin.token, rawBody: toNdjson(rows), headers: { 'content-type': 'application/x-ndjson' } });
    const errors = expectProblem(res, 400, 'VALIDATION_ERROR').errors ?? [];
    expect(errors.map((e) => [e.row, e.path])).toEqual([
      [2, 'password_hash'],
      [3, 'password_hash'],
      [4, 'password_hash'],
      [5, 'password_hash'],
    ]);
    expect(errors.find((e) => e.row === 2)?.message).toMatch(/cost from 10 to 16/);
    for (const row of rows) expect(await h.repository.findByEmail(row.email, { includeDeleted: true }), row.email).toBeUndefined();
  });
});
