/**
 * The OpenAPI document serves code generators: openapi-typescript turns it into types with named
 * components and numeric path ids, and calls written against those types type-check.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { createOpenApiDocument } from './openapi-document';

const dir = mkdtempSync(join(tmpdir(), 'userkit-codegen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const usage = `
import type { components, paths } from './api';

type GetUser = paths['/users/{id}']['get'];
type User = components['schemas']['User'];

export function getUserPath(id: GetUser['parameters']['path']['id']): string {
  return '/users/' + id.toFixed(0);
}
getUserPath(42);
// @ts-expect-error path ids are numbers, not strings
getUserPath('42');

export function firstEmail(page: paths['/users']['get']['responses'][200]['content']['application/json']): string | undefined {
  const first: User | undefined = page.items[0];
  return first?.email;
}
export function creditAmount(tx: components['schemas']['CreditTransaction']): number {
  return tx.amount;
}
export function activityAction(entry: components['schemas']['ActivityEntry']): string {
  return entry.action;
}
export function problemCode(problem: paths['/users/{id}']['get']['responses'][404]['content']['application/problem+json']): string {
  return problem.code;
}
export const me: User = {} as paths['/users/me']['get']['responses'][200]['content']['application/json'];
`;

describe('code generation from the OpenAPI document', () => {
  it('openapi-typescript emits named schemas and integer ids that a typed call checks against', async () => {
    const document = createOpenApiDocument();
    const types = astToString(await openapiTS(JSON.stringify(document)));
    expect(types).toMatch(/User: \{/);
    expect(types).toMatch(/UserPage: \{/);
    writeFileSync(join(dir, 'api.ts'), types);
    writeFileSync(join(dir, 'usage.ts'), usage);
    const program = ts.createProgram([join(dir, 'usage.ts')], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      skipLibCheck: true,
      types: [],
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  }, 60_000);
});
