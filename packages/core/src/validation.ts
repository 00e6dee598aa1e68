/** Turns zod failures into VALIDATION_ERROR with every failing path (docs/errors.md#codes). */
import type { z } from 'zod';
import { UserkitError, type FieldError } from './errors';

/** The field errors of a zod error: one per issue, `path` dotted (`additional_websites.0`). */
export function fieldErrorsOf(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
    code: issue.code,
  }));
}

/**
 * Parses `input` with `schema`, or throws VALIDATION_ERROR listing every failing path.
 *
 * @example
 * ```ts
 * const body = parseInput(loginSchema, await req.json());
 * ```
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, detail = 'The request has invalid fields'): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new UserkitError('VALIDATION_ERROR', { detail, errors: fieldErrorsOf(result.error) });
}

/** True for a plain JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Throws VALIDATION_ERROR unless `input` is a JSON object. */
export function requireObject(input: unknown): Record<string, unknown> {
  if (isPlainObject(input)) return input;
  throw new UserkitError('VALIDATION_ERROR', {
    detail: 'The body must be a JSON object',
    errors: [{ path: '', message: 'Expected a JSON object', code: 'invalid_type' }],
  });
}
