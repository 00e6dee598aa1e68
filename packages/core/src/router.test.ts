import { describe, expect, it } from 'vitest';
import { contract, type RouteName, type RouteSpec } from './contract';
import { createRouter, type RoutePattern } from './router';

const named = (name: string, method: string, path: string) => ({ name, method, path });

describe('createRouter', () => {
  it('fixed segments win over parameters whatever the declaration order', () => {
    const routes = [
      named('getUser', 'GET', '/users/:id'),
      named('updateUser', 'PUT', '/users/:id'),
      named('credits', 'GET', '/users/:id/credits'),
      named('me', 'GET', '/users/me'),
      named('stats', 'GET', '/users/stats'),
      named('meCredits', 'GET', '/users/me/credits'),
    ];
    for (const order of [routes, [...routes].reverse()]) {
      const router = createRouter(order);
      expect(router.match('GET', '/users/me')).toEqual({ route: routes[3], params: {} });
      expect(router.match('GET', '/users/stats').route?.name).toBe('stats');
      expect(router.match('GET', '/users/me/credits').route?.name).toBe('meCredits');
      expect(router.match('GET', '/users/42')).toEqual({ route: routes[0], params: { id: '42' } });
      expect(router.match('GET', '/users/42/credits')).toEqual({ route: routes[2], params: { id: '42' } });
      // A fixed path without the method falls back to the parameter route that has it.
      expect(router.match('PUT', '/users/me')).toEqual({ route: routes[1], params: { id: 'me' } });
      expect(router.match('HEAD', '/users/me').route?.name).toBe('me');
    }
  });

  it('answers the methods a known path has, and none for an unknown path', () => {
    const router = createRouter([named('a', 'GET', '/users/:id'), named('b', 'PUT', '/users/:id'), named('me', 'GET', '/users/me'), named('c', 'POST', '/auth/login')]);
    expect(router.match('DELETE', '/users/me')).toEqual({ route: undefined, allow: ['GET', 'PUT'] });
    expect(router.match('GET', '/auth/login')).toEqual({ route: undefined, allow: ['POST'] });
    for (const path of ['/nothing', '/users', '/users//', '/users/1/2', '/', '/auth/login/x']) expect(router.match('GET', path), path).toEqual({ route: undefined, allow: [] });
  });

  it('takes one trailing slash, never an empty parameter, and leaves parameters undecoded', () => {
    const router = createRouter([named('a', 'GET', '/users/:id')]);
    expect(router.match('GET', '/users/7/').route?.name).toBe('a');
    expect(router.match('GET', '/users/7//').route).toBeUndefined();
    expect(router.match('GET', '/users//').route).toBeUndefined();
    expect(router.match('GET', '/users/%37')).toMatchObject({ params: { id: '%37' } });
    // The same rules for a path without parameters (matched whole, before any walk).
    const fixed = createRouter([named('me', 'GET', '/users/me'), named('a', 'GET', '/users/:id')]);
    expect(fixed.match('GET', '/users/me/')).toEqual({ route: expect.objectContaining({ name: 'me' }), params: {} });
    expect(fixed.match('GET', 'users/me').route?.name).toBe('me');
    expect(fixed.match('GET', '/users/me//').route).toBeUndefined();
    expect(fixed.match('GET', '//users/me').route).toBeUndefined();
  });

  it('refuses two routes for one method and path, and two parameter names at one place', () => {
    expect(() => createRouter([named('a', 'GET', '/x/:id'), named('b', 'GET', '/x/:id/')])).toThrow(/Two routes/);
    expect(() => createRouter([named('a', 'GET', '/x/:id'), named('b', 'GET', '/x/:name/y')])).toThrow(/:name/);
  });

  it('routes the contract the same in any key order: every fixed path reaches its own route', () => {
    const entries = Object.entries(contract) as [RouteName, RouteSpec][];
    const withName = entries.map(([name, spec]): RoutePattern & { name: RouteName } => ({ name, method: spec.method, path: spec.path }));
    for (const order of [withName, [...withName].reverse(), [...withName].sort((a, b) => a.path.localeCompare(b.path))]) {
      const router = createRouter(order);
      for (const [name, spec] of entries) {
        if (spec.path.includes(':')) continue;
        expect(router.match(spec.method, spec.path).route?.name, `${spec.method} ${spec.path}`).toBe(name);
      }
      expect(router.match('GET', '/users/12').route?.name).toBe('getUser');
    }
  });
});
