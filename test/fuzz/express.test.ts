/** Fuzzing every route of the contract over the Express adapter (see fuzz.ts). */
import { fuzzAdapter } from './fuzz';

fuzzAdapter('express');
