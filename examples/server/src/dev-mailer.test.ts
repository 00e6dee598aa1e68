import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DevMailer } from './dev-mailer';

const dir = mkdtempSync(join(tmpdir(), 'userkit-mailer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const message = { to: 'ada@example.com', subject: 'Verify your email', text: 'Your code is 123456', code: '123456' };

describe('DevMailer', () => {
  it('writes the code to the outbox and only the envelope to the log', async () => {
    const outbox = join(dir, 'quiet.jsonl');
    const logged: string[] = [];
    const printed: string[] = [];
    await new DevMailer({ outbox, log: (l) => logged.push(l), print: (l) => printed.push(l) }).send(message);
    expect(JSON.parse(readFileSync(outbox, 'utf8'))).toEqual({ ...message });
    expect(logged).toEqual(['[mail] to ada@example.com: Verify your email (written to the outbox)']);
    expect(printed).toEqual([]);
  });

  it('prints the whole message when USERKIT_DEV_PRINT_CODES asks', async () => {
    const printed: string[] = [];
    await new DevMailer({ outbox: join(dir, 'loud.jsonl'), printCodes: true, print: (l) => printed.push(l) }).send(message);
    expect(printed.join('\n')).toContain('123456');
  });
});
