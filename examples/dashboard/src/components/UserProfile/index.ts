export { UserProfile } from './UserProfile';
export type { UserProfileProps } from './UserProfile';
