// publint and are-the-types-wrong on every built package. Exits non-zero on the first problem.
import { execFileSync } from 'node:child_process';
import { workspacePackages } from './workspace-packages.mjs';

for (const { path, manifest } of workspacePackages()) {
  console.log(`\n== ${manifest.name}`);
  execFileSync('npx', ['publint', '--strict'], { cwd: path, stdio: 'inherit' });
  execFileSync('npx', ['attw', '--pack', '.', '--format', 'table-flipped'], { cwd: path, stdio: 'inherit' });
}
