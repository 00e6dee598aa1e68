import { describeUserRepository } from '@userkit/core/testing';
import { databaseTargets, testStoreEnabled } from '@userkit/kysely/testing';
import { pgliteDialectTarget } from '../src/testing/test-databases';

for (const target of databaseTargets()) describeUserRepository(target.name, () => target.open());

// createDatabase({ pglite }) runs PGlite through its node-postgres bridge when `pg` is installed,
// as it is here; where it is not, through PGliteDialect, which this run keeps covered.
if (testStoreEnabled('pglite')) {
  const fallback = pgliteDialectTarget();
  describeUserRepository('pglite through PGliteDialect (no pg installed)', () => fallback.open());
}
