// @vitest-environment jsdom
/**
 * The mock's tests again under jsdom, the most common DOM test environment: its globals
 * (TextEncoder among them) come from another realm, which once broke token signing.
 */
import './mock-api.test';
