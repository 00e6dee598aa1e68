/**
 * The route table: route paths compiled once into a tree of path segments. At every level a fixed
 * segment is tried before a parameter, so `/users/me` reaches its own route and `/users/42` the
 * `/users/:id` one whatever order the routes are declared in; nothing depends on the key order of
 * the contract.
 */

/** What the router reads of a route: its method and its path (`:name` marks a parameter). */
export interface RoutePattern {
  method: string;
  path: string;
}

/** A route found for a method and path, with the raw (undecoded) text of its path parameters. */
export interface RouteHit<T> {
  route: T;
  params: Record<string, string>;
}

/** No route for this method: `allow` lists the methods the path has (empty: the path is unknown). */
export interface RouteMiss {
  route: undefined;
  allow: readonly string[];
}

export interface Router<T> {
  /** The route for a method and a path relative to the API base (`/users/42`); HEAD is served by GET routes. */
  match(method: string, path: string): RouteHit<T> | RouteMiss;
}

interface Node<T> {
  fixed: Map<string, Node<T>>;
  param: { name: string; node: Node<T> } | undefined;
  byMethod: Map<string, T>;
}

const newNode = <T>(): Node<T> => ({ fixed: new Map(), param: undefined, byMethod: new Map() });

const noMethods: readonly string[] = [];
const noParams: Readonly<Record<string, string>> = Object.freeze({});

/** A path without its leading slash and one trailing slash: also the key of a route without parameters. */
function trimmed(path: string): string {
  const start = path.startsWith('/') ? 1 : 0;
  const end = path.length > start && path.endsWith('/') ? path.length - 1 : path.length;
  return path.slice(start, end);
}

/** `/users/:id/` → `['users', ':id']`: no leading slash, at most one trailing slash dropped. */
function segmentsOf(path: string): string[] {
  const text = trimmed(path);
  return text === '' ? [] : text.split('/');
}

/**
 * Compiles routes into a {@link Router}. Throws on two routes for the same method and path, or on
 * two parameter names at the same place (`/users/:id` and `/users/:name/x`).
 *
 * @example
 * ```ts
 * const router = createRouter([{ method: 'GET', path: '/users/:id' }, { method: 'GET', path: '/users/me' }]);
 * router.match('GET', '/users/me').route;  // the /users/me route
 * router.match('GET', '/users/42');        // { route: <the /users/:id route>, params: { id: '42' } }
 * ```
 */
export function createRouter<T extends RoutePattern>(routes: Iterable<T>): Router<T> {
  const root = newNode<T>();
  // Routes without parameters, by trimmed path then method: the walk below would find each of them
  // first anyway (fixed segments win), so an exact hit skips it.
  const exact = new Map<string, Map<string, T>>();
  for (const route of routes) {
    if (!route.path.includes('/:')) {
      const key = trimmed(route.path);
      if (!exact.has(key)) exact.set(key, new Map());
      exact.get(key)?.set(route.method, route);
    }
    let node = root;
    for (const segment of segmentsOf(route.path)) {
      if (segment.startsWith(':')) {
        const name = segment.slice(1);
        if (node.param && node.param.name !== name) throw new Error(`${route.path}: :${name} where another route has :${node.param.name}`);
        node.param ??= { name, node: newNode() };
        node = node.param.node;
      } else {
        let next = node.fixed.get(segment);
        if (!next) node.fixed.set(segment, (next = newNode()));
        node = next;
      }
    }
    if (node.byMethod.has(route.method)) throw new Error(`Two routes for ${route.method} ${route.path}`);
    node.byMethod.set(route.method, route);
  }

  function match(method: string, path: string): RouteHit<T> | RouteMiss {
    const sameShape = exact.get(trimmed(path));
    const direct = sameShape && (sameShape.get(method) ?? (method === 'HEAD' ? sameShape.get('GET') : undefined));
    if (direct) return { route: direct, params: noParams };
    const segments = segmentsOf(path);
    const names: string[] = [];
    const values: string[] = [];
    let allow: Set<string> | undefined;
    // Depth first, fixed before parameter; a path that ends on a node without the method backtracks
    // (so `PUT /users/me` still reaches `PUT /users/:id`), remembering the methods it did have.
    const walk = (node: Node<T>, index: number): T | undefined => {
      if (index === segments.length) {
        const hit = node.byMethod.get(method) ?? (method === 'HEAD' ? node.byMethod.get('GET') : undefined);
        if (!hit) for (const m of node.byMethod.keys()) (allow ??= new Set()).add(m);
        return hit;
      }
      const segment = segments[index] as string;
      const fixed = node.fixed.get(segment);
      const viaFixed = fixed && walk(fixed, index + 1);
      if (viaFixed) return viaFixed;
      if (!node.param || segment === '') return undefined;
      names.push(node.param.name);
      values.push(segment);
      const viaParam = walk(node.param.node, index + 1);
      if (viaParam) return viaParam;
      names.pop();
      values.pop();
      return undefined;
    };
    const route = walk(root, 0);
    if (!route) return { route: undefined, allow: allow ? [...allow] : noMethods };
    const params: Record<string, string> = {};
    for (let i = 0; i < names.length; i++) params[names[i] as string] = values[i] as string;
    return { route, params };
  }

  return { match };
}
