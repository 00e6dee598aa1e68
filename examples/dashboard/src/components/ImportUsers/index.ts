export { ImportUsers } from './ImportUsers';
