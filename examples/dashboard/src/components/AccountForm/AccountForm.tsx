'use client';
/** The fields beyond the profile an admin edits: CRM (lead status, notes), account (status, verification) and role. */
import { useState, type FormEvent } from 'react';
import { useUserEditor } from '../../hooks/useUser';
import type { EditPolicy } from '../../lib/userUtils';
import { leadStatuses, userStatuses, userTypes, type User, type UserPatch } from '../../types/user';

export function AccountForm({ user, policy }: { user: User; policy: EditPolicy }) {
  const { save, isSaving } = useUserEditor();
  const [values, setValues] = useState({
    status: user.status,
    email_verified: user.email_verified,
    lead_status: user.lead_status ?? '',
    notes: user.notes ?? '',
    user_type: user.user_type,
    is_super_admin: user.is_super_admin,
  });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (isSaving) return;
    const patch: Record<string, unknown> = {};
    if (policy.account && values.status !== user.status) patch['status'] = values.status;
    if (policy.account && values.email_verified !== user.email_verified) patch['email_verified'] = values.email_verified;
    if (policy.crm && values.lead_status !== (user.lead_status ?? '')) patch['lead_status'] = values.lead_status === '' ? null : values.lead_status;
    if (policy.crm && values.notes !== (user.notes ?? '')) patch['notes'] = values.notes === '' ? null : values.notes;
    if (policy.role && values.user_type !== user.user_type) patch['user_type'] = values.user_type;
    if (policy.role && values.is_super_admin !== user.is_super_admin) patch['is_super_admin'] = values.is_super_admin;
    await save(user, patch as UserPatch);
  };
  if (!policy.account && !policy.crm && !policy.role) return null;
  return (
    <section aria-labelledby="account-heading" className="card">
      <h2 id="account-heading">Account</h2>
      <form onSubmit={(e) => void submit(e)} className="form">
        {policy.account && (
          <>
            <label>
              Status
              <select name="status" value={values.status} onChange={(e) => setValues({ ...values, status: e.target.value as User['status'] })}>
                {userStatuses.map((s) => (
                  <option key={s}>{s}</option>
                ))}
              </select>
            </label>
            <label className="checkbox">
              <input type="checkbox" name="email_verified" checked={values.email_verified} onChange={(e) => setValues({ ...values, email_verified: e.target.checked })} />
              Email verified
            </label>
          </>
        )}
        {policy.crm && (
          <>
            <label>
              Lead status
              <select name="lead_status" value={values.lead_status} onChange={(e) => setValues({ ...values, lead_status: e.target.value as typeof values.lead_status })}>
                <option value="">None</option>
                {leadStatuses.map((s) => (
                  <option key={s}>{s}</option>
                ))}
              </select>
            </label>
            <label>
              Notes
              <textarea name="notes" rows={3} value={values.notes} onChange={(e) => setValues({ ...values, notes: e.target.value })} />
            </label>
          </>
        )}
        {policy.role && (
          <>
            <label>
              User type
              <select name="user_type" value={values.user_type} onChange={(e) => setValues({ ...values, user_type: e.target.value as User['user_type'] })}>
                {userTypes.map((t) => (
                  <option key={t}>{t}</option>
                ))}
              </select>
            </label>
            <label className="checkbox">
              <input type="checkbox" name="is_super_admin" checked={values.is_super_admin} onChange={(e) => setValues({ ...values, is_super_admin: e.target.checked })} />
              Super admin
            </label>
          </>
        )}
        <button type="submit" aria-disabled={isSaving}>
          Save account
        </button>
      </form>
    </section>
  );
}
