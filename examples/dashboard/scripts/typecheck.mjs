/**
 * Type-checks the dashboard (strict, with the DOM library) and reports the dashboard's own files.
 * The @userkit packages are resolved to their TypeScript source, so they are part of this program,
 * but they are checked by the root `tsc -p tsconfig.json` under their own settings (Node's fetch
 * types, no DOM); checking them again under the DOM library would judge them by a platform they
 * do not compile against (their published .d.ts files are what an app sees).
 */
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const configPath = join(root, 'tsconfig.json');
const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } });
if (!config) throw new Error(`cannot read ${configPath}`);
const program = ts.createProgram({ rootNames: config.fileNames, options: config.options });
const own = (file) => file !== undefined && !relative(root, file.fileName).startsWith('..') && !file.fileName.includes('/node_modules/');
const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics(), ...program.getSourceFiles().filter(own).flatMap((file) => [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)])];
if (diagnostics.length > 0) {
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => process.cwd(), getNewLine: () => '\n' };
  process.stderr.write(ts.formatDiagnosticsWithColorAndContext(diagnostics, host));
  process.exit(1);
}
