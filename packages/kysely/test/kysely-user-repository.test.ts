import { describeUserRepository } from '../../core/test/user-repository.case';
import { databaseTargets } from './support';

for (const target of databaseTargets()) describeUserRepository(target.name, () => target.open());
