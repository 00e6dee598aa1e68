export { SignupChart } from './SignupChart';
