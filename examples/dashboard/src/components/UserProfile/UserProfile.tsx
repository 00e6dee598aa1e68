'use client';
/**
 * A user's profile: shown as a description list, edited in a form of labelled fields. Only what
 * changed is sent, with If-Match of the version shown, so a stale edit is refused (and explained in
 * the error modal) instead of overwriting someone else's change.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { useUserEditor } from '../../hooks/useUser';
import { displayName, fieldLabel, formatDateTime, profilePatch, toFormValues } from '../../lib/userUtils';
import { profileFields, type ProfileFormValues, type User } from '../../types/user';

export interface UserProfileProps {
  user: User;
  /** Whether the viewer may edit the profile fields (the API enforces the role policy either way). */
  editable?: boolean;
  /** Called with the saved user. */
  onSaved?(user: User): void;
}

export function UserProfile({ user, editable = true, onSaved }: UserProfileProps) {
  const [editing, setEditing] = useState(false);
  return (
    <section aria-labelledby="profile-heading" className="card">
      <h2 id="profile-heading">{displayName(user)}</h2>
      {editing ? (
        <ProfileForm user={user} onCancel={() => setEditing(false)} onSaved={(saved) => { setEditing(false); onSaved?.(saved); }} />
      ) : (
        <>
          <dl className="details">
            <dt>Email</dt>
            <dd>
              {user.email} {user.email_verified ? '(verified)' : '(not verified)'}
            </dd>
            <dt>Account</dt>
            <dd>
              {user.user_type}, {user.status}
            </dd>
            {profileFields.map((field) => (
              <div key={field} className="detail-row">
                <dt>{fieldLabel(field)}</dt>
                <dd data-field={field}>{user[field] || '—'}</dd>
              </div>
            ))}
            <dt>Credits</dt>
            <dd>{user.credits}</dd>
            <dt>Member since</dt>
            <dd>{formatDateTime(user.created_at)}</dd>
          </dl>
          {editable && (
            <button type="button" onClick={() => setEditing(true)}>
              Edit profile
            </button>
          )}
        </>
      )}
    </section>
  );
}

function ProfileForm({ user, onCancel, onSaved }: { user: User; onCancel(): void; onSaved(user: User): void }) {
  const [values, setValues] = useState<ProfileFormValues>(() => toFormValues(user));
  // When the user changes underneath (after a conflict, the latest version is loaded), the form
  // starts again from it. The form stays mounted, so focus can return to its Save button.
  useEffect(() => setValues(toFormValues(user)), [user]);
  const { save, isSaving } = useUserEditor();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (isSaving) return;
    const saved = await save(user, profilePatch(user, values));
    if (saved) onSaved(saved);
  };
  return (
    <form onSubmit={submit} aria-label="Edit profile" className="form">
      {profileFields.map((field) => (
        <label key={field}>
          {fieldLabel(field)}
          <input name={field} value={values[field]} onChange={(event) => setValues({ ...values, [field]: event.target.value })} />
        </label>
      ))}
      <div className="actions">
        {/* aria-disabled, not disabled: a disabled button drops focus, which then could not return here after an error. */}
        <button type="submit" aria-disabled={isSaving}>
          {isSaving ? 'Saving…' : 'Save'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
