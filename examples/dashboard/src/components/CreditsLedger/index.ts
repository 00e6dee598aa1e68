export { CreditsLedger } from './CreditsLedger';
