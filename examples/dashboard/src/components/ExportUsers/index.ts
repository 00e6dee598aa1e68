export { ExportUsers } from './ExportUsers';
