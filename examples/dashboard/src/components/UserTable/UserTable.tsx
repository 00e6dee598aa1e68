'use client';
/**
 * The user list: search, filters, sort and paging. Filters live in the page (the export uses
 * them too); the search is submitted (Enter or the button) rather than sent on every keystroke.
 */
import { useUsers, type UserListFilters } from '@userkit/react';
import Link from 'next/link';
import { useEffect, useState, type FormEvent } from 'react';
import { displayName, formatDateTime } from '../../lib/userUtils';
import { leadStatuses, userStatuses, userTypes } from '../../types/user';
import { useErrorModal } from '../ErrorModal';

const sorts = [
  ['-created_at', 'Newest first'],
  ['created_at', 'Oldest first'],
  ['name', 'Name A–Z'],
  ['-name', 'Name Z–A'],
  ['email', 'Email A–Z'],
  ['-last_login', 'Last sign-in'],
  ['-credits', 'Most credits'],
] as const;

export interface UserTableProps {
  filters: UserListFilters;
  onFiltersChange(filters: UserListFilters): void;
}

/** Sets `key` to `value`, or drops it when empty. */
function withFilter(filters: UserListFilters, key: keyof UserListFilters, value: string): UserListFilters {
  const next: Record<string, unknown> = { ...filters };
  if (value === '') delete next[key];
  else next[key] = key === 'email_verified' ? value === 'true' : value;
  return next as UserListFilters;
}

export function UserTable({ filters, onFiltersChange }: UserTableProps) {
  const { data, error, isPlaceholderData, isPending, paging } = useUsers({ limit: 20, ...filters });
  const { showError } = useErrorModal();
  const [q, setQ] = useState(filters.q ?? '');
  useEffect(() => {
    if (error) showError(error);
  }, [error, showError]);
  const search = (event: FormEvent) => {
    event.preventDefault();
    onFiltersChange(withFilter(filters, 'q', q.trim()));
  };
  // Label and select side by side (not nested): the select's name is just its label, not the label
  // plus the chosen option.
  const select = (key: keyof UserListFilters, label: string, options: readonly string[]) => (
    <div className="field">
      <label htmlFor={`filter-${key}`}>{label}</label>
      <select id={`filter-${key}`} name={key} value={filters[key] === undefined ? '' : String(filters[key])} onChange={(e) => onFiltersChange(withFilter(filters, key, e.target.value))}>
        <option value="">Any</option>
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </div>
  );
  return (
    <section aria-labelledby="users-heading" className="card">
      <h2 id="users-heading">Users</h2>
      <form role="search" onSubmit={search} className="toolbar">
        <label>
          Search users
          <input type="search" name="q" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Name, email, city…" />
        </label>
        <button type="submit">Search</button>
      </form>
      <div className="toolbar" role="group" aria-label="Filters and sort">
        {select('user_type', 'Type', userTypes)}
        {select('status', 'Status', userStatuses)}
        {select('lead_status', 'Lead status', leadStatuses)}
        {select('email_verified', 'Email verified', ['true', 'false'])}
        <div className="field">
          <label htmlFor="filter-sort">Sort</label>
          <select id="filter-sort" name="sort" value={filters.sort ?? '-created_at'} onChange={(e) => onFiltersChange(withFilter(filters, 'sort', e.target.value))}>
            {sorts.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <p role="status" aria-live="polite" className="result-count">
        {isPending ? 'Loading users…' : data ? `${data.total}${data.total_capped ? '+' : ''} users found` : ''}
      </p>
      <div className="table-scroll">
        <table aria-busy={isPlaceholderData} className={isPlaceholderData ? 'stale' : undefined}>
          <caption className="visually-hidden">Users, page {paging.pageIndex + 1}</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Type</th>
              <th scope="col">Status</th>
              <th scope="col">Credits</th>
              <th scope="col">Joined</th>
            </tr>
          </thead>
          <tbody>
            {data?.items.map((user) => (
              <tr key={user.id}>
                <td>
                  <Link href={`/admin/user/?id=${user.id}`}>{displayName(user)}</Link>
                </td>
                <td>{user.email}</td>
                <td>{user.user_type}</td>
                <td>{user.status}</td>
                <td>{user.credits}</td>
                <td>{formatDateTime(user.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav aria-label="Pages" className="actions">
        <button type="button" disabled={!paging.hasPreviousPage} onClick={paging.previousPage}>
          Previous page
        </button>
        <span>Page {paging.pageIndex + 1}</span>
        <button type="button" disabled={!paging.hasNextPage} onClick={paging.nextPage}>
          Next page
        </button>
      </nav>
    </section>
  );
}
