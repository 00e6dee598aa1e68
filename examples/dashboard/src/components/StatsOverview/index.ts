export { StatsOverview } from './StatsOverview';
