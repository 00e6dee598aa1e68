/**
 * Sign-ups per day as plain SVG bars: one labelled image (its title and description summarise
 * it), each bar with its own title, and the numbers as a table for screen readers and copying.
 */
import { useId } from 'react';

export interface SignupChartProps {
  days: { date: string; count: number }[];
}

const width = 600;
const height = 160;
const axis = 20;

export function SignupChart({ days }: SignupChartProps) {
  const titleId = useId();
  const descId = useId();
  const max = Math.max(1, ...days.map((d) => d.count));
  const total = days.reduce((sum, d) => sum + d.count, 0);
  const slot = days.length > 0 ? width / days.length : width;
  const barWidth = Math.max(2, slot * 0.7);
  const first = days[0]?.date;
  const last = days[days.length - 1]?.date;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height + axis}`} role="img" aria-labelledby={`${titleId} ${descId}`} preserveAspectRatio="none">
        <title id={titleId}>Sign-ups per day</title>
        <desc id={descId}>{days.length > 0 ? `${total} sign-ups from ${first} to ${last}; at most ${max} on one day.` : 'No data.'}</desc>
        <line x1={0} y1={height} x2={width} y2={height} className="chart-axis" />
        {days.map((day, index) => {
          const barHeight = (day.count / max) * (height - 10);
          return (
            <rect key={day.date} x={index * slot + (slot - barWidth) / 2} y={height - barHeight} width={barWidth} height={barHeight} className="chart-bar">
              <title>{`${day.date}: ${day.count}`}</title>
            </rect>
          );
        })}
        {first && (
          <text x={0} y={height + axis - 4} className="chart-label">
            {first}
          </text>
        )}
        {last && (
          <text x={width} y={height + axis - 4} textAnchor="end" className="chart-label">
            {last}
          </text>
        )}
      </svg>
      <figcaption>
        <details>
          <summary>Sign-ups per day as a table</summary>
          <table>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Sign-ups</th>
              </tr>
            </thead>
            <tbody>
              {days.map((day) => (
                <tr key={day.date}>
                  <td>{day.date}</td>
                  <td>{day.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </figcaption>
    </figure>
  );
}
