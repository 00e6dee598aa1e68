'use client';
import type { UserListFilters } from '@userkit/react';
import { useState } from 'react';
import { ExportUsers } from '../../components/ExportUsers';
import { ImportUsers } from '../../components/ImportUsers';
import { RequireSignIn } from '../../components/RequireSignIn';
import { StatsOverview } from '../../components/StatsOverview';
import { UserTable } from '../../components/UserTable';

export default function AdminPage() {
  const [filters, setFilters] = useState<UserListFilters>({});
  return (
    <RequireSignIn admin>
      {() => (
        <>
          <h1>Users</h1>
          <StatsOverview />
          <UserTable filters={filters} onFiltersChange={setFilters} />
          <ImportUsers />
          <ExportUsers filters={filters} />
        </>
      )}
    </RequireSignIn>
  );
}
