// Summarises a V8 .cpuprofile (from `node --cpu-prof`): top functions by self time and a share
// by category. Usage: node bench/profile.mjs <file.cpuprofile|dir> [out.md]
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

let file = process.argv[2] ?? 'bench/results/profile';
if (statSync(file).isDirectory()) {
  const newest = readdirSync(file)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(file, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  if (!newest) throw new Error(`no .cpuprofile in ${file}`);
  file = newest;
}
const outPath = process.argv[3];
const prof = JSON.parse(readFileSync(file, 'utf8'));

const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map(); // node id -> microseconds
for (let i = 0; i < prof.samples.length; i++) {
  const id = prof.samples[i];
  self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);

function category(cf) {
  const fn = cf.functionName;
  const url = cf.url ?? '';
  if (fn === '(idle)') return 'idle';
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(program)') return 'program (V8/native, unattributed)';
  if (fn === 'parse' && url === '') return 'JSON.parse';
  if (fn === 'stringify' && url === '') return 'JSON.stringify';
  if (url.includes('/dist/src/query/encoders/')) return 'our encoders (dist/src/query/encoders)';
  if (url.includes('/dist/src/trino/')) return 'our Trino client (dist/src/trino)';
  if (url.includes('/dist/src/')) return 'our other code (dist/src)';
  if (url.includes('node_modules/undici') || url.startsWith('node:internal/deps/undici'))
    return 'undici/network';
  if (
    /^node:(net|_http|http|internal\/(stream_base|net|http|js_stream|streams\/|webstreams))/.test(
      url,
    ) ||
    url.startsWith('node:internal/streams') ||
    url.startsWith('node:stream') ||
    fn === 'writev' ||
    fn === 'writeBuffer' ||
    fn === 'writeUtf8String' ||
    fn === 'writeLatin1String'
  )
    return 'node http/net/streams (network)';
  if (url.includes('node_modules/'))
    return `library: ${url.split('node_modules/').pop().split('/')[0]}`;
  if (url === '') return `native/builtin: ${fn || '(anonymous)'}`;
  return 'other node internals';
}

const fnSelf = new Map();
const catSelf = new Map();
for (const [id, us] of self) {
  const cf = byId.get(id).callFrame;
  const key =
    `${cf.functionName || '(anonymous)'} ${cf.url ? `${cf.url.replace(/^file:\/\/.*?\/(dist|node_modules)\//, '$1/')}:${cf.lineNumber + 1}` : ''}`.trim();
  fnSelf.set(key, (fnSelf.get(key) ?? 0) + us);
  const c = category(cf);
  catSelf.set(c, (catSelf.get(c) ?? 0) + us);
}
const pct = (us) => `${((us / total) * 100).toFixed(1)}%`;
const ms = (us) => (us / 1000).toFixed(0);
const top = [...fnSelf].sort((a, b) => b[1] - a[1]).slice(0, 15);
// Fold the long tail of native/builtin buckets into one line
const cats = [...catSelf].sort((a, b) => b[1] - a[1]);
const catRows = [];
let tail = 0;
for (const [c, us] of cats) {
  if ((c.startsWith('native/builtin: ') || c.startsWith('library: ')) && us / total < 0.01)
    tail += us;
  else catRows.push([c, us]);
}
if (tail) catRows.push(['other libraries and builtins (each < 1%)', tail]);

const md = [
  `# CPU profile of the service during one svc-csv download`,
  '',
  `Profile: \`${path.relative(process.cwd(), file)}\`, ${prof.samples.length} samples over ${(total / 1e6).toFixed(1)} s (whole service lifetime incl. start-up and idle).`,
  '',
  '## Top 15 functions by self time',
  '',
  '| # | Function (file:line) | self ms | share |',
  '|---:|---|---:|---:|',
  ...top.map(([k, us], i) => `| ${i + 1} | \`${k}\` | ${ms(us)} | ${pct(us)} |`),
  '',
  '## Share by category',
  '',
  '| Category | self ms | share | share of non-idle |',
  '|---|---:|---:|---:|',
  ...catRows.map(([c, us]) => {
    const idle = catSelf.get('idle') ?? 0;
    return `| ${c} | ${ms(us)} | ${pct(us)} | ${c === 'idle' ? '–' : `${((us / (total - idle)) * 100).toFixed(1)}%`} |`;
  }),
  '',
].join('\n');
process.stdout.write(md);
if (outPath) writeFileSync(outPath, md);
