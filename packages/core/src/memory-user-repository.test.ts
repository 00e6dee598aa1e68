import { MemoryUserRepository } from '@userkit/core/server';
import { describeUserRepository } from '@userkit/core/testing';

describeUserRepository('memory', async () => ({ repository: new MemoryUserRepository(), close: async () => {} }));
