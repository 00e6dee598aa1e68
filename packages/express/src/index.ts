export { createUserkitMiddleware, userkitMiddleware } from './userkit-express';
