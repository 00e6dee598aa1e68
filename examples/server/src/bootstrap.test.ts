import { describe, expect, it } from 'vitest';
import { banner } from './bootstrap';
import { loadConfig } from './config';

const config = loadConfig({ INIT_CWD: '/srv/app' });
const parts = { framework: 'Hono', port: 3000, config, tightenedFrom: undefined, secretSource: 'data-dir' as const };

describe('banner', () => {
  it('shows a generated password once', () => {
    const text = banner({ ...parts, seededAdmin: { email: 'admin@example.com', generatedPassword: 'Gen3rated-Passw0rd' } });
    expect(text.split('Gen3rated-Passw0rd')).toHaveLength(2);
  });

  it('never shows an operator-supplied password, and says when the data directory was tightened', () => {
    const text = banner({ ...parts, tightenedFrom: 0o755, seededAdmin: { email: 'admin@example.com', generatedPassword: undefined } });
    expect(text).toContain('Super admin created: admin@example.com (password from USERKIT_ADMIN_PASSWORD)');
    expect(text).not.toContain('Password:');
    expect(text).toContain('tightened from 755');
  });
});
