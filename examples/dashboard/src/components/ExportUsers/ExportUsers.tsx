'use client';
/** Export: the list's current filters and sort, downloaded as CSV or NDJSON. */
import { saveFile, useExportUsers, type UserListFilters } from '@userkit/react';
import { useErrorModal } from '../ErrorModal';

export function ExportUsers({ filters }: { filters: UserListFilters }) {
  const exportUsers = useExportUsers();
  const { showError } = useErrorModal();
  const run = async (format: 'csv' | 'ndjson') => {
    if (exportUsers.isPending) return;
    const { limit: _limit, ...query } = filters;
    try {
      const file = await exportUsers.mutateAsync({ query: { ...query, format } });
      saveFile(file.blob, file.filename);
    } catch (error) {
      showError(error);
    }
  };
  return (
    <section aria-labelledby="export-heading" className="card">
      <h2 id="export-heading">Export users</h2>
      <p>Downloads the users matching the current search and filters.</p>
      <div className="actions">
        <button type="button" aria-disabled={exportUsers.isPending} onClick={() => void run('csv')}>
          Download CSV
        </button>
        <button type="button" aria-disabled={exportUsers.isPending} onClick={() => void run('ndjson')}>
          Download NDJSON
        </button>
      </div>
    </section>
  );
}
