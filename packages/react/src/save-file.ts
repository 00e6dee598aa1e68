/**
 * `saveFile`: offers a Blob to the user as a download. Browser only, and touches `document` only
 * when called, so importing it is safe during server rendering.
 */

/** The little of the DOM this needs (the packages compile without the DOM library). */
interface DownloadDocument {
  createElement(tag: 'a'): { href: string; download: string; rel: string; click(): void; remove(): void };
  body: { append(node: unknown): void };
}

/**
 * @example
 * ```ts
 * const file = await exportUsers.mutateAsync({ query: { format: 'csv' } });
 * saveFile(file.blob, file.filename);
 * ```
 */
export function saveFile(blob: Blob, filename: string): void {
  const document = (globalThis as { document?: DownloadDocument }).document;
  if (!document) throw new Error('saveFile runs in a browser only');
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked on the next turn: some browsers start the download only after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
