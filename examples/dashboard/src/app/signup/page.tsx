'use client';
import { useUserkit } from '@userkit/react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { useAction } from '../../hooks/useAction';

export default function SignUpPage() {
  const { client } = useUserkit();
  const router = useRouter();
  const [form, setForm] = useState({ name: '', email: '', password: '' });
  const { run, pending } = useAction(async () => {
    await client.register({ body: { email: form.email, password: form.password, ...(form.name.trim() ? { name: form.name.trim() } : {}) } });
    router.push(`/verify/?email=${encodeURIComponent(form.email)}`);
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run();
  };
  return (
    <section className="card narrow">
      <h1>Create an account</h1>
      <form onSubmit={submit} className="form">
        <label>
          Name
          <input name="name" autoComplete="name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        </label>
        <label>
          Email
          <input name="email" type="email" autoComplete="email" required value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="new-password" required value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
        </label>
        <button type="submit" aria-disabled={pending}>
          Sign up
        </button>
      </form>
      <p>
        Already registered? <Link href="/signin/">Sign in</Link>
      </p>
    </section>
  );
}
