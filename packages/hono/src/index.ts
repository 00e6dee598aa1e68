export { createUserkitApp, userkitMiddleware } from './userkit-hono';
export type { UserkitHonoOptions } from './userkit-hono';
