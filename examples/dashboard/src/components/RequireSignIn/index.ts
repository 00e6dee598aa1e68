export { RequireSignIn } from './RequireSignIn';
