'use client';
/**
 * Import: CSV or NDJSON from a file or pasted text, checked first with a dry run. Bad rows are
 * listed with their row number, field and message; a refused import changes nothing.
 */
import { useImportUsers } from '@userkit/react';
import { useState, type FormEvent } from 'react';
import { useErrorModal } from '../ErrorModal';

type Format = 'text/csv' | 'application/x-ndjson';

export function ImportUsers() {
  const importUsers = useImportUsers();
  const { showError } = useErrorModal();
  const [text, setText] = useState('');
  const [format, setFormat] = useState<Format>('text/csv');
  const [onConflict, setOnConflict] = useState<'error' | 'skip' | 'update'>('error');
  const run = async (dryRun: boolean) => {
    if (importUsers.isPending || text.trim() === '') return;
    try {
      await importUsers.mutateAsync({ body: text, contentType: format, query: { dry_run: dryRun, on_conflict: onConflict } });
    } catch (error) {
      showError(error);
    }
  };
  const onFile = async (file: File | undefined) => {
    if (!file) return;
    setText(await file.text());
    if (file.name.endsWith('.ndjson') || file.name.endsWith('.jsonl')) setFormat('application/x-ndjson');
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(false);
  };
  const result = importUsers.data;
  return (
    <section aria-labelledby="import-heading" className="card">
      <h2 id="import-heading">Import users</h2>
      <form onSubmit={submit} className="form">
        <label>
          File
          <input type="file" accept=".csv,.ndjson,.jsonl,text/csv,application/x-ndjson" onChange={(e) => void onFile(e.target.files?.[0])} />
        </label>
        <label>
          Rows (a header row of field names, then one user per line)
          <textarea name="rows" rows={6} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
        </label>
        <div className="toolbar">
          <label>
            Format
            <select value={format} onChange={(e) => setFormat(e.target.value as Format)}>
              <option value="text/csv">CSV</option>
              <option value="application/x-ndjson">NDJSON</option>
            </select>
          </label>
          <label>
            Existing emails
            <select value={onConflict} onChange={(e) => setOnConflict(e.target.value as 'error' | 'skip' | 'update')}>
              <option value="error">Refuse the import</option>
              <option value="skip">Skip them</option>
              <option value="update">Update them</option>
            </select>
          </label>
        </div>
        <div className="actions">
          <button type="button" aria-disabled={importUsers.isPending || text.trim() === ''} onClick={() => void run(true)}>
            Check (dry run)
          </button>
          <button type="submit" aria-disabled={importUsers.isPending || text.trim() === ''}>
            Import
          </button>
        </div>
      </form>
      <div aria-live="polite">
        {result && importUsers.rowErrors.length === 0 && (
          <p className="import-result">
            {result.dry_run ? 'Dry run: would create' : 'Created'} {result.created}, {result.dry_run ? 'update' : 'updated'} {result.updated}, skip{result.dry_run ? '' : 'ped'} {result.skipped}.
          </p>
        )}
        {importUsers.rowErrors.length > 0 && (
          <div className="row-errors">
            <h3>Rows with errors (nothing was imported)</h3>
            <table>
              <thead>
                <tr>
                  <th scope="col">Row</th>
                  <th scope="col">Field</th>
                  <th scope="col">Problem</th>
                </tr>
              </thead>
              <tbody>
                {importUsers.rowErrors.map((error) => (
                  <tr key={`${error.row}-${error.path}`}>
                    <td>{error.row}</td>
                    <td>{error.path}</td>
                    <td>{error.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </section>
  );
}
