/** The API reference UI: served only when the server passes the asset files, from the same origin. */
import { describe, expect, it } from 'vitest';
import { JwtTokens } from './jwt-tokens';
import { MemoryMailer } from './mailer';
import { MemoryUserRepository } from './memory-user-repository';
import { createUserkitHandler, type UserkitHandlerOptions } from './request-handler';
import { UserService } from './user-service';

const handlerWith = (options: Partial<UserkitHandlerOptions> = {}) =>
  createUserkitHandler({
    service: new UserService({ repository: new MemoryUserRepository(), mailer: new MemoryMailer() }),
    tokens: new JwtTokens({ secret: 'a-test-secret-that-is-long-enough-for-hs256-0123' }),
    onError: () => {},
    ...options,
  });

const docs = { read: (name: string) => (name === 'swagger-ui.css' ? 'body{}' : name === 'swagger-ui-bundle.js' ? 'var SwaggerUIBundle;' : undefined) };

describe('GET /docs', () => {
  it('serves the page, its init script and the listed asset files, nothing else', async () => {
    const handler = handlerWith({ docs });
    const page = await handler.fetch(new Request('http://localhost/api/docs'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('<title>userkit API reference</title>');
    expect(html).toContain('src="docs/swagger-ui-bundle.js"');
    expect(html).not.toMatch(/https?:\/\//); // no CDN
    expect(html).not.toMatch(/<script>/); // no inline script
    const css = await handler.fetch(new Request('http://localhost/api/docs/swagger-ui.css'));
    expect([css.status, css.headers.get('content-type'), await css.text()]).toEqual([200, 'text/css; charset=utf-8', 'body{}']);
    const init = await handler.fetch(new Request('http://localhost/api/docs/init.js'));
    expect(await init.text()).toContain("new URL('openapi.json'");
    expect((await handler.fetch(new Request('http://localhost/api/docs/package.json'))).status).toBe(404);
    expect((await handler.fetch(new Request('http://localhost/api/docs/..%2Fpackage.json'))).status).toBe(404);
    expect((await handler.fetch(new Request('http://localhost/api/docs', { method: 'POST' }))).status).toBe(405);
  });

  it('is not served without the assets option', async () => {
    const response = await handlerWith().fetch(new Request('http://localhost/api/docs'));
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/problem\+json/);
  });
});
