// @vitest-environment happy-dom
/** The mock's tests again under happy-dom. */
import './mock-api.test';
