'use client';
import { useUserkit } from '@userkit/react';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { useAction } from '../../hooks/useAction';
import { forgotPassword } from '../../services/userService';

export default function ForgotPasswordPage() {
  const { client } = useUserkit();
  const router = useRouter();
  const [email, setEmail] = useState('');
  const { run, pending } = useAction(async () => {
    await forgotPassword(client, email);
    router.push(`/reset-password/?email=${encodeURIComponent(email)}`);
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run();
  };
  return (
    <section className="card narrow">
      <h1>Forgot your password?</h1>
      <p>Enter your email address; if it is registered, we send a code to reset your password.</p>
      <form onSubmit={submit} className="form">
        <label>
          Email
          <input name="email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <button type="submit" aria-disabled={pending}>
          Send a reset code
        </button>
      </form>
    </section>
  );
}
