export { DeleteUser } from './DeleteUser';
