import { describeUserRepository } from '@userkit/core/testing';
import { databaseTargets } from './support';

for (const target of databaseTargets()) describeUserRepository(target.name, () => target.open());
