/**
 * Summarises a V8 .cpuprofile of a bench server: self time by function and by module, and
 * inclusive time of the functions that matter on the request path. Bundled frames are mapped back
 * to their TypeScript sources through the bundle's source map.
 *
 *   node bench/http/summarize-profile.mjs <file.cpuprofile> [--top 30] [--requests N]
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { relative } from 'node:path';
import { root } from './lib.mjs';

const maps = new Map();

function sourceMapOf(url) {
  if (maps.has(url)) return maps.get(url);
  let map = null;
  try {
    const file = fileURLToPath(url);
    if (existsSync(`${file}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
  } catch {
    map = null;
  }
  maps.set(url, map);
  return map;
}

/** Where a frame comes from: `packages/core/src/x.ts:12`, `node_modules/pg`, `node:internal/...`, or a V8 pseudo-frame. */
function locate(frame) {
  const { url, lineNumber, columnNumber, functionName } = frame;
  if (!url) return { module: functionName.startsWith('(') ? functionName : '(native/V8)', where: '' };
  if (url.startsWith('node:')) {
    const mod = url.replace(/^node:(internal\/)?/, '').split('/').slice(0, 2).join('/');
    return { module: `node:${mod}`, where: url };
  }
  const map = url.startsWith('file:') && url.includes('/bench/http/dist/') ? sourceMapOf(url) : null;
  if (map) {
    const entry = map.findEntry(lineNumber, columnNumber);
    if (entry?.originalSource) {
      let source = entry.originalSource;
      try {
        source = relative(root, source.startsWith('file:') ? fileURLToPath(source) : source);
      } catch {
        // keep it as it is
      }
      source = source.replace(/^(\.\.\/)+/, '');
      return { module: source, where: `${source}:${entry.originalLine + 1}` };
    }
  }
  const path = url.startsWith('file:') ? relative(root, fileURLToPath(url)) : url;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];
  return { module: pkg ? `npm:${pkg}` : path, where: `${path}:${lineNumber + 1}` };
}

export function summarize(file, { top = 30, requests } = {}) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const info = new Map();
  for (const n of profile.nodes) {
    const loc = locate(n.callFrame);
    const name = n.callFrame.functionName || '(anonymous)';
    info.set(n.id, { key: `${name} ${loc.where}`, name, ...loc });
  }

  const self = new Map();
  const byModule = new Map();
  const inclusive = new Map();
  let total = 0;
  let idle = 0;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const dt = Math.max(0, deltas[i + 1] ?? deltas[i] ?? 0);
    const id = samples[i];
    const meta = info.get(id);
    total += dt;
    if (meta.name === '(idle)') {
      idle += dt;
      continue;
    }
    self.set(meta.key, (self.get(meta.key) ?? 0) + dt);
    byModule.set(meta.module, (byModule.get(meta.module) ?? 0) + dt);
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const key = info.get(cur).key;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + dt);
    }
  }
  const busy = total - idle;
  const ms = (us) => (us / 1000).toFixed(1);
  const pct = (us) => `${((us / busy) * 100).toFixed(1)}%`;
  const perReq = (us) => (requests ? `${(us / requests).toFixed(1)}` : '');
  const out = [];
  out.push(`profile: ${relative(root, file)}`);
  out.push(`wall ${ms(total)} ms, busy (not idle) ${ms(busy)} ms${requests ? `, ${requests} requests → ${(busy / requests).toFixed(0)} µs busy per request` : ''}`);
  const table = (title, entries, n) => {
    out.push('', title, `${'busy%'.padStart(7)} ${'ms'.padStart(9)} ${requests ? 'µs/req'.padStart(8) : ''}  name`);
    for (const [key, us] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, n)) {
      out.push(`${pct(us).padStart(7)} ${ms(us).padStart(9)} ${requests ? perReq(us).padStart(8) : ''}  ${key}`);
    }
  };
  table('Self time by module (bundled frames mapped to their sources)', byModule, 25);
  table('Self time by function', self, top);
  const moduleOf = new Map([...info.values()].map((m) => [m.key, m.module]));
  const ours = [...inclusive].filter(([key]) => /^(packages|examples|bench)\/|^npm:/.test(moduleOf.get(key) ?? ''));
  table('Inclusive time (userkit sources and npm packages; a function\'s callees included)', ours, top);
  return out.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) {
    console.error('usage: node bench/http/summarize-profile.mjs <file.cpuprofile> [--top 30] [--requests N]');
    process.exit(2);
  }
  const opt = (name) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : undefined;
  };
  console.log(summarize(file, { top: opt('top') ?? 30, requests: opt('requests') }));
}
