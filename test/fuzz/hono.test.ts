/** Fuzzing every route of the contract over the Hono adapter (see fuzz.ts). */
import { fuzzAdapter } from './fuzz';

fuzzAdapter('hono');
