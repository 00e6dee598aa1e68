/**
 * The value schemas of single user fields: enums, email, password, username, phone, text and URL.
 * The column table (`user-columns.ts`) assigns them to columns; the body schemas
 * (`user-schema.ts`) are built from that table. Every message is written for a person reading a
 * form.
 */
import * as z from 'zod';
import { storableText } from './storable-text';

export const userTypes = ['admin', 'customer'] as const;
export const userStatuses = ['active', 'inactive', 'pending', 'suspended'] as const;
export const leadStatuses = ['lead', 'qualified', 'customer', 'closed'] as const;

export type UserType = (typeof userTypes)[number];
export type UserStatus = (typeof userStatuses)[number];
export type LeadStatus = (typeof leadStatuses)[number];

/** Trimmed text of at most `max` characters that PostgreSQL can store. */
export const textSchema = (label: string, max: number) =>
  z
    .string({ error: `${label} must be text` })
    .trim()
    .max(max, { error: `${label} must be at most ${max} characters` })
    .regex(storableText, { error: `${label} must not contain NUL characters or broken Unicode` });

/** An http(s) URL of at most 2048 characters. */
export const webUrlSchema = (label: string) =>
  z
    .string({ error: `${label} must be text` })
    .trim()
    .max(2048, { error: `${label} must be at most 2048 characters` })
    .regex(storableText, { error: `${label} must not contain NUL characters or broken Unicode` })
    .pipe(z.url({ protocol: /^https?$/, error: `${label} must be an http(s) URL` }));

/** An email address: trimmed, lower-cased, at most 254 characters. */
export const emailSchema = z
  .string({ error: 'Email is required' })
  .trim()
  .toLowerCase()
  .max(254, { error: 'Email must be at most 254 characters' })
  .regex(storableText, { error: 'Enter a valid email address' })
  .pipe(z.email({ error: 'Enter a valid email address' }));

/** A password as typed. Its strength rules are checked by the password policy, not here. */
export const passwordSchema = z
  .string({ error: 'Password is required' })
  .min(1, { error: 'Password is required' })
  .max(4096, { error: 'Password is far too long' });

export const usernameSchema = z
  .string({ error: 'Username must be text' })
  .trim()
  .min(3, { error: 'Username must be at least 3 characters' })
  .max(50, { error: 'Username must be at most 50 characters' })
  .regex(/^[A-Za-z0-9_.-]+$/, { error: 'Username may use letters, digits, dot, dash and underscore only' });

export const phoneSchema = z
  .string({ error: 'Phone must be text' })
  .trim()
  .max(40, { error: 'Phone must be at most 40 characters' })
  .regex(/^\+?[0-9 ().-]*$/, { error: 'Phone may use digits, spaces, dashes, dots, parentheses and a leading +' });

export const userTypeSchema = z.enum(userTypes, { error: 'User type must be admin or customer' });
export const userStatusSchema = z.enum(userStatuses, { error: 'Status must be active, inactive, pending or suspended' });
export const leadStatusSchema = z.enum(leadStatuses, { error: 'Lead status must be lead, qualified, customer or closed' });

/** An ISO-8601 timestamp with offset, as timestamps travel on the wire. */
export const isoDateSchema = z.iso.datetime({ offset: true });
