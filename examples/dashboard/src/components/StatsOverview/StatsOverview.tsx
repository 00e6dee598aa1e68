'use client';
/** The system overview: counts by type, status, lead status and verification, sign-ups per day, credits. */
import { useUserStats } from '@userkit/react';
import { useEffect } from 'react';
import { formatCount } from '../../lib/userUtils';
import { useErrorModal } from '../ErrorModal';
import { SignupChart } from '../SignupChart';

function Counts({ title, counts }: { title: string; counts: Record<string, number> }) {
  return (
    <div className="counts">
      <h3>{title}</h3>
      <dl>
        {Object.entries(counts).map(([key, value]) => (
          <div key={key}>
            <dt>{key}</dt>
            <dd>{formatCount(value)}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

export function StatsOverview() {
  const stats = useUserStats();
  const { showError } = useErrorModal();
  useEffect(() => {
    if (stats.error) showError(stats.error);
  }, [stats.error, showError]);
  if (!stats.data) return <p role="status">{stats.isPending ? 'Loading the overview…' : ''}</p>;
  const s = stats.data;
  return (
    <section aria-labelledby="overview-heading" className="card">
      <h2 id="overview-heading">Overview</h2>
      <p className="totals">
        <span>
          <strong>{formatCount(s.total)}</strong> users
        </span>
        <span>
          <strong>{formatCount(s.credits_in_circulation)}</strong> credits in circulation
        </span>
      </p>
      <div className="counts-grid">
        <Counts title="By type" counts={s.by_user_type} />
        <Counts title="By status" counts={s.by_status} />
        <Counts title="By lead status" counts={s.by_lead_status} />
        <Counts title="Email" counts={s.email_verified} />
      </div>
      <h3>Sign-ups, last 30 days</h3>
      <SignupChart days={s.signups_per_day} />
    </section>
  );
}
