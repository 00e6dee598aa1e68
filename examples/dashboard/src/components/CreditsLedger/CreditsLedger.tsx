'use client';
/** A user's balance and credit transactions, with grant and spend for admins. */
import { useAdjustCredits, useUserCredits } from '@userkit/react';
import { useState, type FormEvent } from 'react';
import { formatDateTime } from '../../lib/userUtils';
import { useErrorModal } from '../ErrorModal';

export function CreditsLedger({ userId, canAdjust }: { userId: number; canAdjust: boolean }) {
  const credits = useUserCredits(userId, { limit: 20 });
  const adjust = useAdjustCredits();
  const { showError } = useErrorModal();
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [action, setAction] = useState<'grant' | 'spend'>('grant');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (adjust.isPending) return;
    const value = Number(amount);
    try {
      await adjust.mutateAsync({ id: userId, body: { amount: action === 'grant' ? value : -value, reason } });
      setAmount('');
      setReason('');
    } catch (error) {
      showError(error);
    }
  };
  return (
    <section aria-labelledby="credits-heading" className="card">
      <h2 id="credits-heading">Credits</h2>
      <p>
        Balance: <strong data-testid="credit-balance">{credits.data?.credits ?? '…'}</strong>
      </p>
      {canAdjust && (
        <form onSubmit={(e) => void submit(e)} className="form" aria-label="Adjust credits">
          <fieldset>
            <legend>Grant or spend</legend>
            <label className="checkbox">
              <input type="radio" name="credit-action" value="grant" checked={action === 'grant'} onChange={() => setAction('grant')} />
              Grant
            </label>
            <label className="checkbox">
              <input type="radio" name="credit-action" value="spend" checked={action === 'spend'} onChange={() => setAction('spend')} />
              Spend
            </label>
          </fieldset>
          <label>
            Amount
            <input name="amount" type="number" min={1} step={1} required value={amount} onChange={(e) => setAmount(e.target.value)} />
          </label>
          <label>
            Reason
            <input name="reason" required value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          <button type="submit" aria-disabled={adjust.isPending}>
            {action === 'grant' ? 'Grant credits' : 'Spend credits'}
          </button>
        </form>
      )}
      <div className="table-scroll">
        <table>
          <caption className="visually-hidden">Credit transactions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Amount</th>
              <th scope="col">Balance</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {credits.data?.items.map((t) => (
              <tr key={t.id}>
                <td>{formatDateTime(t.created_at)}</td>
                <td>{t.amount > 0 ? `+${t.amount}` : t.amount}</td>
                <td>{t.balance_after}</td>
                <td>{t.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
