import { MemoryUserRepository } from '../src/index';
import { describeUserRepository } from './user-repository.case';

describeUserRepository('memory', async () => ({ repository: new MemoryUserRepository(), close: async () => {} }));
