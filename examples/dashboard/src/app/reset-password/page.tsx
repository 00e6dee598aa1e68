'use client';
import { useUserkit } from '@userkit/react';
import { useRouter } from 'next/navigation';
import { useEffect, useState, type FormEvent } from 'react';
import { useAction } from '../../hooks/useAction';
import { useQueryParam } from '../../hooks/useQueryParam';
import { resetPassword } from '../../services/userService';

export default function ResetPasswordPage() {
  const { client } = useUserkit();
  const router = useRouter();
  const initialEmail = useQueryParam('email');
  const [form, setForm] = useState({ email: '', code: '', new_password: '' });
  useEffect(() => {
    if (initialEmail) setForm((f) => ({ ...f, email: initialEmail }));
  }, [initialEmail]);
  const { run, pending } = useAction(async () => {
    await resetPassword(client, form);
    router.push(`/signin/?email=${encodeURIComponent(form.email)}`);
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run();
  };
  return (
    <section className="card narrow">
      <h1>Choose a new password</h1>
      <form onSubmit={submit} className="form">
        <label>
          Email
          <input name="email" type="email" autoComplete="email" required value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
        </label>
        <label>
          Code
          <input name="code" inputMode="numeric" autoComplete="one-time-code" maxLength={6} required value={form.code} onChange={(e) => setForm({ ...form, code: e.target.value })} />
        </label>
        <label>
          New password
          <input name="new_password" type="password" autoComplete="new-password" required value={form.new_password} onChange={(e) => setForm({ ...form, new_password: e.target.value })} />
        </label>
        <button type="submit" aria-disabled={pending}>
          Set the new password
        </button>
      </form>
    </section>
  );
}
