export { ActivityTimeline } from './ActivityTimeline';
