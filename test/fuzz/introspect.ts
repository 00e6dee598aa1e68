/**
 * Reads the contract the way the request handler does: which route a method and URL reach, and
 * what the zod schemas of a route accept (keys, required keys, enum values, base types), so the
 * generators follow new routes and fields without being told.
 */
import { contract, type RouteName, type RouteSpec } from '@userkit/core';

export const routeEntries = Object.entries(contract) as [RouteName, RouteSpec][];

const compiled = routeEntries.map(([name, spec]) => ({
  name,
  spec,
  pattern: new RegExp(`^${spec.path.replace(/:([a-z_]+)/g, '(?<$1>[^/]+)')}/?$`),
}));

/**
 * The route a request reaches, mirroring the handler: URL normalisation, the `api.` host rule,
 * the `/api` base, HEAD served by GET routes. `undefined` when none (404/405, or not under /api).
 */
export function resolveRoute(method: string, path: string, host: string | undefined): { name: RouteName; spec: RouteSpec } | undefined {
  const url = new URL(path, 'http://localhost');
  let pathname = url.pathname;
  if (host !== undefined && /^api\./i.test(host) && pathname !== '/api' && !pathname.startsWith('/api/')) pathname = `/api${pathname === '/' ? '' : pathname}`;
  if (pathname !== '/api' && !pathname.startsWith('/api/')) return undefined;
  const relative = pathname.slice('/api'.length) || '/';
  const m = method.toUpperCase();
  const hit = compiled.find((r) => r.pattern.test(relative) && (r.spec.method === m || (m === 'HEAD' && r.spec.method === 'GET')));
  return hit && { name: hit.name, spec: hit.spec };
}

/** True when some route has this path (whatever the method): the handler answers 405, not 404. */
export function pathIsKnown(path: string, host: string | undefined): boolean {
  return routeEntries.some(([, spec]) => resolveRoute(spec.method, path, host) !== undefined);
}

interface ZodDef {
  type: string;
  innerType?: unknown;
  in?: unknown;
  out?: unknown;
  options?: unknown[];
  entries?: Record<string, string | number>;
  values?: unknown[];
  element?: unknown;
  shape?: Record<string, unknown>;
  left?: unknown;
  right?: unknown;
}

const defOf = (schema: unknown): ZodDef | undefined => (schema as { _zod?: { def?: ZodDef } } | undefined)?._zod?.def;

/** What a (sub)schema accepts, roughly: base types, enum/literal values, array elements, object shapes. */
export interface Accepts {
  types: Set<string>;
  literals: (string | number | boolean | null)[];
  elements: unknown[];
  shapes: Record<string, unknown>[];
}

/** Walks wrappers (optional, nullable, default, pipe, union, …) of a zod schema. */
export function accepts(schema: unknown, out: Accepts = { types: new Set(), literals: [], elements: [], shapes: [] }, depth = 0): Accepts {
  const def = defOf(schema);
  if (!def || depth > 20) return out;
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      if (def.type === 'nullable') out.literals.push(null);
      return accepts(def.innerType, out, depth + 1);
    case 'pipe':
      return accepts(def.in, out, depth + 1);
    case 'union':
      for (const option of def.options ?? []) accepts(option, out, depth + 1);
      return out;
    case 'intersection':
      accepts(def.left, out, depth + 1);
      return accepts(def.right, out, depth + 1);
    case 'enum':
      out.types.add('string');
      out.literals.push(...Object.values(def.entries ?? {}));
      return out;
    case 'literal':
      out.literals.push(...((def.values ?? []) as (string | number | boolean | null)[]));
      return out;
    case 'array':
      out.types.add('array');
      out.elements.push(def.element);
      return out;
    case 'object':
      out.types.add('object');
      if (def.shape) out.shapes.push(def.shape);
      return out;
    default:
      out.types.add(def.type);
      return out;
  }
}

/** The object shapes a body or query schema accepts (a union gives several). */
export function shapesOf(schema: unknown): Record<string, unknown>[] {
  return accepts(schema).shapes;
}

/** True when the field may be left out. */
export function isOptional(schema: unknown): boolean {
  const type = defOf(schema)?.type;
  return type === 'optional' || type === 'default' || type === 'prefault';
}
