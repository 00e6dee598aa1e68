export { UserTable } from './UserTable';
export type { UserTableProps } from './UserTable';
