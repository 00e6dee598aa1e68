/**
 * The interactive API reference at `GET {basePath}/docs`: Swagger UI over `{basePath}/openapi.json`,
 * with Authorize for the bearer token (the document declares the `bearer` security scheme).
 *
 * Core stays browser-safe and free of Swagger UI: the handler serves the page and a fixed list of
 * asset files, and reads the files through {@link ApiDocsAssets}, an option the server passes
 * (a Node server reads them from the `swagger-ui-dist` package; see the example server's
 * `swaggerUiAssets()`). Without the option, `/docs` is not served. The assets are served from the
 * same origin, never a CDN, and the page has no inline script, so a strict Content-Security-Policy
 * (`script-src 'self'`) allows it.
 *
 * The docs are not routes of the contract: they are not part of the API a client calls, and are
 * not in the OpenAPI document.
 */

/** Reads Swagger UI's files by name. */
export interface ApiDocsAssets {
  /** The text of a file of the Swagger UI distribution (`swagger-ui.css`, `swagger-ui-bundle.js`), or undefined. */
  read(name: ApiDocsFile): string | undefined | Promise<string | undefined>;
}

/** The asset files the page loads, with their media types. */
export const apiDocsFiles = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
} as const;

export type ApiDocsFile = keyof typeof apiDocsFiles;

/** A docs answer: a status, headers and text. */
export interface ApiDocsResponse {
  status: number;
  headers: Record<string, string>;
  body: string | null;
  /** The route pattern, for the request log. */
  route: string;
}

// Relative URLs: the page at `/api/docs` loads `/api/docs/…` and `/api/openapi.json`, and the same
// page served at `/docs` on an `api.` host loads `/docs/…` and `/openapi.json`.
const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>userkit API reference</title>
<link rel="stylesheet" href="docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="docs/swagger-ui-bundle.js"></script>
<script src="docs/init.js"></script>
</body>
</html>
`;

// persistAuthorization off: the token pasted into Authorize is not written to localStorage.
const init = `window.ui = SwaggerUIBundle({
  url: new URL('openapi.json', document.baseURI).href,
  dom_id: '#swagger-ui',
  deepLinking: true,
  persistAuthorization: false,
  tryItOutEnabled: false,
});
`;

const cached = { 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' };

/**
 * The answer to a docs path (relative to the base path), or undefined when the path is not one.
 * `HEAD` gets the headers without the body.
 */
export async function apiDocsResponse(relative: string, method: string, assets: ApiDocsAssets): Promise<ApiDocsResponse | undefined> {
  if (relative !== '/docs' && !relative.startsWith('/docs/')) return undefined;
  const route = relative === '/docs' ? '/docs' : '/docs/{file}';
  if (method !== 'GET' && method !== 'HEAD') {
    return { status: 405, headers: { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }, body: 'Use GET', route };
  }
  const text = (type: string, body: string | undefined, extra: Record<string, string> = {}): ApiDocsResponse =>
    body === undefined
      ? { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }, body: method === 'HEAD' ? null : 'Not found', route }
      : { status: 200, headers: { 'content-type': type, ...cached, ...extra }, body: method === 'HEAD' ? null : body, route };
  if (relative === '/docs') return text('text/html; charset=utf-8', page, { 'cache-control': 'no-store' });
  const name = relative.slice('/docs/'.length);
  if (name === 'init.js') return text('text/javascript; charset=utf-8', init);
  if (!Object.hasOwn(apiDocsFiles, name)) return text('', undefined);
  const file = name as ApiDocsFile;
  return text(apiDocsFiles[file], await assets.read(file));
}
