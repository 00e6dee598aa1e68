import { MemorySessionStore } from './memory-session-store';
import { MemoryUserRepository } from './memory-user-repository';
import { describeSessionStore } from './testing/session-store.case';

let seq = 0;

describeSessionStore('MemorySessionStore (standalone)', async () => ({ store: new MemorySessionStore(), createUser: async () => ++seq, close: async () => {} }));

describeSessionStore('MemoryUserRepository#sessions', async () => {
  const repository = new MemoryUserRepository();
  const createUser = async () =>
    (await repository.insert({ email: `s${++seq}@example.com`, password_hash: 'x', user_type: 'customer', status: 'active' })).id;
  return { store: repository.sessions, createUser, close: async () => {} };
});
