import { describe, expect, it } from 'vitest';
import { contract } from './contract';
import { createOpenApiDocument } from './openapi-document';

describe('createOpenApiDocument', () => {
  const doc = createOpenApiDocument({ serverUrl: 'https://api.example.com' }) as {
    openapi: string;
    paths: Record<string, Record<string, { operationId: string; requestBody?: unknown; responses: Record<string, unknown>; parameters: { name: string; in: string }[] }>>;
  };

  it('is OpenAPI 3.1 with one operation per contract route', () => {
    expect(doc.openapi).toBe('3.1.0');
    const operationIds = Object.values(doc.paths).flatMap((methods) => Object.values(methods).map((op) => op.operationId));
    expect(operationIds.sort()).toEqual(Object.keys(contract).sort());
  });

  it('documents bodies, path and query parameters, and problem responses', () => {
    const update = doc.paths['/users/{id}']?.['put'];
    expect(update?.requestBody).toBeDefined();
    expect(update?.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(['path:id', 'header:If-Match']);
    expect(Object.keys(update?.responses ?? {})).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404', '409', '412', '500', '503']));
    const list = doc.paths['/users']?.['get'];
    expect(list?.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(['q', 'sort', 'cursor', 'limit', 'created_after']));
  });

  it('never documents a secret column in a response', () => {
    const json = JSON.stringify(Object.values(doc.paths).flatMap((m) => Object.values(m).map((op) => op.responses)));
    for (const secret of ['password_hash', 'verification_code', 'verification_attempts', 'token_version']) expect(json).not.toContain(secret);
  });
});
