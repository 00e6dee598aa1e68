import type { Server } from 'node:http';

/** Serves `dir` on `host:port` (port 0: any free port). */
export function serveStatic(dir: string, options?: { port?: number; host?: string }): Promise<{ server: Server; origin: string }>;
