'use client';
import { useUserkit } from '@userkit/react';
import { useRouter } from 'next/navigation';
import { useEffect, useState, type FormEvent } from 'react';
import { useErrorModal } from '../../components/ErrorModal';
import { useAction } from '../../hooks/useAction';
import { useQueryParam } from '../../hooks/useQueryParam';

export default function VerifyPage() {
  const { client } = useUserkit();
  const router = useRouter();
  const { showMessage } = useErrorModal();
  const initialEmail = useQueryParam('email');
  const [email, setEmail] = useState('');
  const [code, setCode] = useState('');
  useEffect(() => {
    if (initialEmail) setEmail(initialEmail);
  }, [initialEmail]);
  const verify = useAction(async () => {
    await client.verifyEmail({ body: { email, code } });
    router.push(`/signin/?email=${encodeURIComponent(email)}`);
  });
  const resend = useAction(async () => {
    await client.resendVerification({ body: { email } });
    showMessage('Code sent', 'If the address is registered and not yet verified, a new code is on its way.');
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void verify.run();
  };
  return (
    <section className="card narrow">
      <h1>Verify your email</h1>
      <p>We sent a 6-digit code to your email address.</p>
      <form onSubmit={submit} className="form">
        <label>
          Email
          <input name="email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          Code
          <input name="code" inputMode="numeric" autoComplete="one-time-code" pattern="\d{6}" maxLength={6} required value={code} onChange={(e) => setCode(e.target.value)} />
        </label>
        <div className="actions">
          <button type="submit" aria-disabled={verify.pending}>
            Verify
          </button>
          <button type="button" aria-disabled={resend.pending || !email} onClick={() => email && void resend.run()}>
            Send a new code
          </button>
        </div>
      </form>
    </section>
  );
}
