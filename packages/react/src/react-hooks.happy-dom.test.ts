// @vitest-environment happy-dom
/** The hook tests of `react-hooks.test.ts` again, in happy-dom. */
import './react-hooks.test';
