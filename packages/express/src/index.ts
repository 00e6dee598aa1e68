export { createUserkitMiddleware, userkitMiddleware } from './userkit-express';
export { userkitGuards, withUser } from './userkit-guards';
export type { UserkitGuards, UserkitRequest } from './userkit-guards';
