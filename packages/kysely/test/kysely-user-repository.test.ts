import { describeUserRepository } from '@userkit/core/testing';
import { databaseTargets } from '@userkit/kysely/testing';

for (const target of databaseTargets()) describeUserRepository(target.name, () => target.open());
