'use client';
/**
 * A query-string parameter, read after hydration. The pages are a static export, so the query
 * string is only known in the browser; reading it in an effect keeps the first render identical
 * to the exported HTML (no Suspense boundary needed, unlike `useSearchParams`).
 */
import { useEffect, useState } from 'react';

export function useQueryParam(name: string): string | undefined {
  const [value, setValue] = useState<string | undefined>(undefined);
  useEffect(() => {
    setValue(new URLSearchParams(window.location.search).get(name) ?? '');
  }, [name]);
  return value;
}
