export { createMockApi } from './mock-api';
export type { MockApi, MockApiOptions, SeededUser } from './mock-api';
