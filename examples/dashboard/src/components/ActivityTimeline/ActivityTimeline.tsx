'use client';
/** What happened to a user, newest first, as an ordered list with paging. */
import { useUserActivity } from '@userkit/react';
import { useState } from 'react';
import { formatDateTime } from '../../lib/userUtils';

export function ActivityTimeline({ userId }: { userId: number }) {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const activity = useUserActivity(userId, cursor === undefined ? { limit: 10 } : { limit: 10, cursor });
  const next = activity.data?.next_cursor ?? null;
  return (
    <section aria-labelledby="activity-heading" className="card">
      <h2 id="activity-heading">Activity</h2>
      {activity.error && <p role="alert">The activity could not be loaded.</p>}
      <ol className="timeline">
        {activity.data?.items.map((entry) => (
          <li key={entry.id}>
            <time dateTime={entry.created_at}>{formatDateTime(entry.created_at)}</time> <strong>{entry.action.replace(/[._]/g, ' ')}</strong>
            {entry.changes && Object.keys(entry.changes).length > 0 && <span className="muted"> ({Object.keys(entry.changes).join(', ')})</span>}
          </li>
        ))}
      </ol>
      {activity.data?.items.length === 0 && <p>Nothing yet.</p>}
      <div className="actions">
        <button type="button" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Newer
        </button>
        <button type="button" disabled={next === null} onClick={() => next !== null && setCursors([...cursors, next])}>
          Older
        </button>
      </div>
    </section>
  );
}
