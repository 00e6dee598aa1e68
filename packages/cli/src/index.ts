export { run } from './run';
export { exitCodes } from './cli-exit';
export type { CliIo } from './cli-io';
