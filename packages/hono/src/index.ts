export { createUserkitApp, userkitMiddleware } from './userkit-hono';
export type { UserkitHonoOptions } from './userkit-hono';
export { userkitGuards } from './userkit-guards';
export type { UserkitEnv, UserkitGuards, UserkitVariables } from './userkit-guards';
