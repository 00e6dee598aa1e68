/**
 * Text PostgreSQL can store: no NUL character and no unpaired UTF-16 surrogate (JSON may carry
 * `"\udcad"`, which has no UTF-8 form). Every store refuses the same strings, so every schema
 * checks this before a value reaches a repository.
 */
export const storableText = /^[^\0\uD800-\uDFFF]*$/u;

/** Any UTF-16 surrogate left unpaired (with the `u` flag a pair is one code point and never matches). */
export const unpairedSurrogate = /[\uD800-\uDFFF]/u;

/** True when `value` has neither NUL nor an unpaired surrogate. */
export function isStorableText(value: string): boolean {
  return storableText.test(value);
}
