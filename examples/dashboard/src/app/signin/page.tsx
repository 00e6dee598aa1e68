'use client';
import { useSession } from '@userkit/react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState, type FormEvent } from 'react';
import { useAction } from '../../hooks/useAction';
import { useQueryParam } from '../../hooks/useQueryParam';

export default function SignInPage() {
  const { signIn } = useSession();
  const router = useRouter();
  const initialEmail = useQueryParam('email');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  useEffect(() => {
    if (initialEmail) setEmail(initialEmail);
  }, [initialEmail]);
  const { run, pending } = useAction(async () => {
    const user = await signIn({ email, password });
    router.push(user.user_type === 'admin' ? '/admin/' : '/profile/');
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run();
  };
  return (
    <section className="card narrow">
      <h1>Sign in</h1>
      <form onSubmit={submit} className="form">
        <label>
          Email
          <input name="email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <button type="submit" aria-disabled={pending}>
          Sign in
        </button>
      </form>
      <p>
        <Link href="/forgot-password/">Forgot your password?</Link> · <Link href="/signup/">Create an account</Link>
      </p>
    </section>
  );
}
