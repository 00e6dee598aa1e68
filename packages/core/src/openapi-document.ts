/**
 * The OpenAPI 3.1 document, generated from the contract with zod's JSON Schema output: nothing in
 * it is written by hand except the titles.
 */
import * as z from 'zod';
import { contract, type RouteSpec } from './contract';
import { errorStatus, errorTitles, type ErrorCode } from './errors';
import { problemContentType, problemSchema } from './problem';

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

function parameters(spec: RouteSpec): JsonSchema[] {
  const out: JsonSchema[] = [];
  if (spec.params) {
    for (const [name, schema] of Object.entries(spec.params.shape)) {
      out.push({ name, in: 'path', required: true, schema: toSchema(schema as z.ZodType, 'input') });
    }
  }
  if (spec.query) {
    const json = toSchema(spec.query, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, schema] of Object.entries(json.properties ?? {})) {
      out.push({ name, in: 'query', required: json.required?.includes(name) ?? false, schema });
    }
  }
  if (spec.headers?.idempotencyKey) {
    out.push({ name: 'Idempotency-Key', in: 'header', required: false, description: 'Makes a retry apply once', schema: { type: 'string', maxLength: 200 } });
  }
  if (spec.headers?.ifMatch) {
    out.push({ name: 'If-Match', in: 'header', required: false, description: 'ETag of a previous read; 412 when the user changed since', schema: { type: 'string' } });
  }
  return out;
}

function responses(spec: RouteSpec): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  const success: JsonSchema = { description: spec.summary };
  if (spec.success.schema) success['content'] = { 'application/json': { schema: toSchema(spec.success.schema, 'output') } };
  else if (spec.success.media) success['content'] = Object.fromEntries(spec.success.media.map((type) => [type, { schema: { type: 'string' } }]));
  else if (spec.success.status !== 204) success['content'] = { 'application/json': { schema: {} } };
  const headers: Record<string, JsonSchema> = {};
  if (spec.success.etag) headers['ETag'] = { schema: { type: 'string' }, description: 'Version of the user, for If-Match' };
  if (spec.success.location) headers['Location'] = { schema: { type: 'string' }, description: 'URL of the created user' };
  if (Object.keys(headers).length > 0) success['headers'] = headers;
  out[String(spec.success.status)] = success;
  const codes: ErrorCode[] = [...spec.errors, 'INTERNAL_ERROR', 'SERVICE_UNAVAILABLE'];
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(errorStatus[code], [...(byStatus.get(errorStatus[code]) ?? []), code]);
  for (const [status, group] of [...byStatus].sort(([a], [b]) => a - b)) {
    out[String(status)] = {
      description: group.map((code) => `${code}: ${errorTitles[code]}`).join('; '),
      content: { [problemContentType]: { schema: { $ref: '#/components/schemas/Problem' } } },
    };
  }
  return out;
}

/**
 * The OpenAPI 3.1 document of the whole contract.
 *
 * @example
 * ```ts
 * const doc = createOpenApiDocument({ serverUrl: 'https://api.example.com' });
 * ```
 */
export function createOpenApiDocument(options: { serverUrl?: string; title?: string; version?: string } = {}): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const [operationId, spec] of Object.entries(contract) as [string, RouteSpec][]) {
    const path = spec.path.replace(/:([a-z_]+)/g, '{$1}');
    const operation: JsonSchema = {
      operationId,
      tags: [spec.tag],
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      ...(spec.access === 'public' ? { security: [] } : {}),
      'x-userkit-access': spec.access,
      parameters: parameters(spec),
      responses: responses(spec),
    };
    if (spec.upload) operation['requestBody'] = { required: true, content: Object.fromEntries(spec.upload.media.map((type) => [type, { schema: { type: 'string' } }])) };
    if (spec.body) operation['requestBody'] = { required: true, content: { 'application/json': { schema: toSchema(spec.body, 'input') } } };
    paths[path] = { ...paths[path], [spec.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: options.title ?? 'userkit API',
      version: options.version ?? '0.0.0',
      description: 'Users — customers and admins — of one application. Errors are RFC 9457 problem details.',
    },
    servers: [{ url: options.serverUrl ?? '/api' }],
    security: [{ bearer: [] }],
    tags: [
      { name: 'auth', description: 'Registration, sign-in and email verification' },
      { name: 'users', description: 'Reading and changing users' },
      { name: 'credits', description: 'The credits ledger' },
      { name: 'system', description: 'Health and this document' },
    ],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Problem: toSchema(problemSchema, 'output') },
    },
  };
}
