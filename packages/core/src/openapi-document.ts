/**
 * The OpenAPI 3.1 document, generated from the contract with zod's JSON Schema output: nothing in
 * it is written by hand except the titles.
 *
 * It is written for code generators too: the shared answer shapes are named components
 * (`#/components/schemas/User`, …), so openapi-typescript and its kin emit named types rather than
 * one anonymous copy per response, and path ids are integers (they travel as digits in the path).
 */
import * as z from 'zod';
import { contract, userPageSchema, type RouteSpec } from './contract';
import { errorStatus, errorTitles, type ErrorCode } from './errors';
import { activitySchema, creditTransactionSchema } from './ledger-schema';
import { problemContentType, problemSchema } from './problem';
import { userSchema } from './user-schema';

type JsonSchema = Record<string, unknown>;

/** The named answer shapes: each appears once under `components.schemas` and is referenced elsewhere. */
const named = z.registry<{ id: string }>();
named.add(userSchema, { id: 'User' });
named.add(userPageSchema, { id: 'UserPage' });
named.add(creditTransactionSchema, { id: 'CreditTransaction' });
named.add(activitySchema, { id: 'ActivityEntry' });
named.add(problemSchema, { id: 'Problem' });

/** Components met while converting answers; filled by {@link toSchema}. */
let components: Record<string, JsonSchema> = {};

/**
 * A zod schema as JSON Schema. Answers (`output`) use the named components: zod extracts them to
 * `$defs`, which are moved to `components.schemas`. Request shapes stay inline (their input form
 * differs from the answer form).
 */
const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', ...(io === 'output' ? { metadata: named } : {}) }) as JsonSchema;
  const { $schema: _ignored, $defs, ...rest } = JSON.parse(JSON.stringify(json).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonSchema;
  for (const [id, definition] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) components[id] = definition;
  return rest;
};

/** A path parameter's schema: digit strings (ids) are documented as the integers they are. */
function pathSchema(schema: z.ZodType): JsonSchema {
  const json = toSchema(schema, 'input');
  if (json['type'] === 'string' && typeof json['pattern'] === 'string' && /^\^\\d\{1,\d+\}\$$/.test(json['pattern'])) {
    return { type: 'integer', minimum: 1, maximum: 2_147_483_647 };
  }
  return json;
}

function parameters(spec: RouteSpec): JsonSchema[] {
  const out: JsonSchema[] = [];
  if (spec.params) {
    for (const [name, schema] of Object.entries(spec.params.shape)) {
      out.push({ name, in: 'path', required: true, schema: pathSchema(schema as z.ZodType) });
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
  components = {};
  toSchema(problemSchema, 'output'); // registers Problem, which every error answer references
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
      schemas: components,
    },
  };
}
