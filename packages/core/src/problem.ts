/**
 * RFC 9457 problem details: the body of every error response (docs/errors.md#problem-details).
 */
import * as z from 'zod';
import { errorCodes, errorStatus, errorTitles, type ErrorCode, type FieldError, type UserkitError } from './errors';

/** The `type` URI of a code. */
export function problemType(code: ErrorCode): string {
  return `https://userkit.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`;
}

/** The problem+json media type. */
export const problemContentType = 'application/problem+json';

export const fieldErrorSchema = z.object({
  path: z.string(),
  message: z.string(),
  code: z.string(),
  row: z.number().int().optional(),
});

/** A problem+json body. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.enum(errorCodes as [ErrorCode, ...ErrorCode[]]),
  detail: z.string(),
  errors: z.array(fieldErrorSchema).optional(),
  fields: z.array(z.string()).optional(),
});

export type Problem = z.infer<typeof problemSchema>;

/** The problem body of an error. Carries no stack, SQL or secret: only what the error chose to say. */
export function toProblem(error: Pick<UserkitError, 'code' | 'detail' | 'errors' | 'fields'>): Problem {
  const problem: Problem = {
    type: problemType(error.code),
    title: errorTitles[error.code],
    status: errorStatus[error.code],
    code: error.code,
    detail: error.detail,
  };
  if (error.errors) problem.errors = error.errors.map((e: FieldError) => ({ ...e }));
  if (error.fields) problem.fields = [...error.fields];
  return problem;
}
