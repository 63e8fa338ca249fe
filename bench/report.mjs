// Markdown table and hand-written SVG charts from a results JSON.
// Also usable alone: node bench/report.mjs bench/results/<date>.json [svgDir]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { READERS, fmtNum, fmtSi } from './lib.mjs';

const READER_ORDER = READERS;
/** Both charts share one frame: size and margins (left, right, top, bottom). */
const FRAME = { W: 760, H: 420, L: 80, R: 170, T: 50, B: 60 };
const COLORS = {
  'trino-bytes': '#a0a0a0',
  limit: '#4c4c4c',
  'trino-cli': '#8c6d31',
  'trino-client': '#6b6ecf',
  'python-trino': '#e7ba52',
  'svc-csv': '#1f77b4',
  'svc-json': '#2ca02c',
  'svc-sse': '#d62728',
  'svc-arrow': '#9467bd',
  'svc-arrow-lz4': '#c5b0d5',
  'svc-csv-gzip': '#aec7e8',
  'svc-json-gzip': '#98df8a',
  'svc-csv-br': '#6baed6',
  'svc-json-br': '#74c476',
  'df-arrow': '#17becf',
  'df-trino': '#bcbd22',
};
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const range = (s, f = fmtSi) => (s ? `${f(s.median)} [${f(s.min)}–${f(s.max)}]` : '–');
const med = (s, digits = 0) => (s ? fmtNum(s.median, digits) : '–');
const ratioText = (r) => (r === null || r === undefined ? '–' : r.toFixed(2));

function sortedSummary(doc) {
  const wOrder = doc.workloads.map((w) => w.name);
  return [...doc.summary].sort(
    (a, b) =>
      wOrder.indexOf(a.workload) - wOrder.indexOf(b.workload) ||
      READER_ORDER.indexOf(a.reader) - READER_ORDER.indexOf(b.reader),
  );
}

export function markdown(doc) {
  const m = doc.machine;
  const loads = doc.runs.map((r) => r.loadavg1Before).filter((x) => typeof x === 'number');
  const lines = [
    `# trino-stream benchmark ${doc.startedAt.slice(0, 10)}${doc.config.quick ? ' (quick)' : ''}`,
    '',
    `- Machine: ${m.cpuModel}, ${m.cores} cores, ${m.ramGiB.toFixed(1)} GiB RAM, Linux ${m.kernel}`,
    `- Node ${m.node}; ${m.java}; ${m.python} (trino ${m.pythonTrino}); trino-client ${m.trinoClientNpm}; ${m.trinoCli}; Trino server ${doc.trino.info?.nodeVersion?.version}`,
    `- Service commit ${m.gitCommit}${m.gitDirty ? ' (src/ has uncommitted changes)' : ''}; ${doc.config.reps} repetition(s); started ${doc.startedAt}, finished ${doc.finishedAt ?? '(incomplete)'}`,
    `- Load average (1 min) before runs: ${loads.length ? `${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}` : '–'} on ${m.cores} cores: the machine is shared, so treat small differences as noise.`,
    '',
    'rows/s: median [min–max] over repetitions; × limit: median rows/s relative to the minimal Trino-protocol reader on the same workload; × bytes: relative to `trino-bytes` (pages read and discarded unparsed). ' +
      'TTFR: time to first row. Service columns (svc-* only): VmRSS before the run → peak during it (sampled every 50 ms), and service CPU seconds (user+system) spent in the run. ' +
      'trino-cli times include JVM start-up; it has no TTFR.',
    '',
    '| Workload | Rows | Reader | rows/s median [min–max] | × limit | × bytes | MB/s | TTFR ms | svc RSS MiB before → peak | svc CPU s | client CPU s | Trino CPU s | ok |',
    '|---|---:|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|',
  ];
  const rows = sortedSummary(doc);
  for (const g of rows.filter(
    (g) => g.concurrency === 1 && !g.workload.startsWith('concurrency-'),
  )) {
    lines.push(
      `| ${g.workload} | ${fmtNum(g.expectedRows)} | ${g.reader} | ${range(g.rowsPerS)} | ${ratioText(g.ratioToLimit)} | ${ratioText(g.ratioToBytes)} | ` +
        `${g.bytesPerS ? fmtNum(g.bytesPerS.median / 1e6, 1) : '–'} | ${med(g.ttfrMs)} | ` +
        `${g.svcPeakRssMiB ? `${fmtNum(g.svcRssBeforeMiB.median)} → ${fmtNum(g.svcPeakRssMiB.median)}` : '–'} | ` +
        `${med(g.svcCpuS, 2)} | ${med(g.clientCpuS, 2)} | ${med(g.trinoCpuS, 1)} | ${g.okRuns}/${g.runs} |`,
    );
  }
  const conc = rows.filter((g) => g.workload.startsWith('concurrency-'));
  if (conc.length) {
    const sql = doc.workloads.find((w) => w.name.startsWith('concurrency-'))?.sql;
    lines.push(
      '',
      `## Concurrent svc-csv downloads of \`${sql}\``,
      '',
      'Aggregate rows/s = all rows of all downloads / wall time from the first request to the last byte. TTFR: median over the downloads.',
      '',
      '| Concurrent | Total rows | aggregate rows/s median [min–max] | MB/s | wall s | TTFR ms | svc RSS MiB before → peak | svc CPU s | ok |',
      '|---:|---:|---|---:|---:|---:|---|---:|---:|',
    );
    for (const g of conc.sort((a, b) => a.concurrency - b.concurrency)) {
      lines.push(
        `| ${g.concurrency} | ${fmtNum(g.expectedRows)} | ${range(g.rowsPerS)} | ${g.bytesPerS ? fmtNum(g.bytesPerS.median / 1e6, 1) : '–'} | ` +
          `${g.wallMs ? fmtNum(g.wallMs.median / 1000, 2) : '–'} | ${med(g.ttfrMs)} | ` +
          `${g.svcPeakRssMiB ? `${fmtNum(g.svcRssBeforeMiB.median)} → ${fmtNum(g.svcPeakRssMiB.median)}` : '–'} | ${med(g.svcCpuS, 2)} | ${g.okRuns}/${g.runs} |`,
      );
    }
  }
  const bad = doc.runs.filter((r) => !r.ok || r.rowsMatch === false);
  if (bad.length) {
    lines.push('', '## Failed runs', '');
    for (const r of bad)
      lines.push(
        `- ${r.workload} ${r.reader} rep ${r.rep}: ${r.ok ? `rows ${r.rows} ≠ expected ${r.expectedRows}` : r.error}`,
      );
  }
  return lines.join('\n') + '\n';
}

const niceMax = (v) => {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const f of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (f * p >= v) return f * p;
  return 10 * p;
};

/** Grouped bars: median rows/s per reader, one group per workload, whiskers min–max. */
export function throughputSvg(doc) {
  const wanted = ['lineitem', 'orders'].filter((w) => doc.summary.some((g) => g.workload === w));
  const groups = wanted.length
    ? wanted
    : [...new Set(doc.summary.filter((g) => g.concurrency === 1).map((g) => g.workload))].slice(-2);
  const readers = READER_ORDER.filter((r) =>
    doc.summary.some((g) => g.reader === r && groups.includes(g.workload)),
  );
  const { W, H, L, R, T, B } = FRAME;
  const pw = W - L - R,
    ph = H - T - B;
  const cells = groups.flatMap((w) =>
    readers.map((r) => doc.summary.find((g) => g.workload === w && g.reader === r)),
  );
  const yMax = niceMax(Math.max(1, ...cells.map((g) => g?.rowsPerS?.max ?? 0)));
  const y = (v) => T + ph - (v / yMax) * ph;
  const gw = pw / groups.length;
  const bw = (gw * 0.8) / readers.length;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">Throughput by reader (median rows/s, whiskers min–max)</text>`,
    `<text x="${W / 2}" y="38" text-anchor="middle" fill="#666">${esc(`${doc.startedAt.slice(0, 10)}, ${doc.machine.cores} cores, ${doc.config.reps} rep(s)${doc.config.quick ? ', quick run' : ''}`)}</text>`,
  ];
  for (let i = 0; i <= 5; i++) {
    const v = (yMax * i) / 5;
    out.push(
      `<line x1="${L}" x2="${L + pw}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`,
      `<text x="${L - 6}" y="${y(v) + 4}" text-anchor="end">${esc(fmtSi(v).replace('0.00', '0'))}</text>`,
    );
  }
  out.push(
    `<text transform="translate(18 ${T + ph / 2}) rotate(-90)" text-anchor="middle">rows/s</text>`,
  );
  groups.forEach((w, gi) => {
    const x0 = L + gi * gw + gw * 0.1;
    const wl = doc.workloads.find((x) => x.name === w);
    out.push(
      `<text x="${L + gi * gw + gw / 2}" y="${T + ph + 20}" text-anchor="middle" font-weight="bold">${esc(w)}</text>`,
    );
    if (wl)
      out.push(
        `<text x="${L + gi * gw + gw / 2}" y="${T + ph + 36}" text-anchor="middle" fill="#666">${esc(`${fmtNum(wl.expectedRows)} rows`)}</text>`,
      );
    readers.forEach((r, ri) => {
      const g = doc.summary.find((s) => s.workload === w && s.reader === r);
      if (!g?.rowsPerS) return;
      const x = x0 + ri * bw;
      const s = g.rowsPerS;
      out.push(
        `<rect x="${x.toFixed(1)}" y="${y(s.median).toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${(T + ph - y(s.median)).toFixed(1)}" fill="${COLORS[r]}"><title>${esc(`${w} ${r}: ${fmtNum(s.median)} rows/s`)}</title></rect>`,
        `<line x1="${(x + bw / 2 - 1).toFixed(1)}" x2="${(x + bw / 2 - 1).toFixed(1)}" y1="${y(s.max).toFixed(1)}" y2="${y(s.min).toFixed(1)}" stroke="#000"/>`,
        `<text x="${(x + bw / 2 - 1).toFixed(1)}" y="${(y(s.max) - 4).toFixed(1)}" text-anchor="middle" font-size="9">${esc(fmtSi(s.median))}</text>`,
      );
    });
  });
  out.push(`<line x1="${L}" x2="${L + pw}" y1="${T + ph}" y2="${T + ph}" stroke="#000"/>`);
  readers.forEach((r, i) => {
    out.push(
      `<rect x="${L + pw + 20}" y="${T + i * 20}" width="12" height="12" fill="${COLORS[r]}"/>`,
      `<text x="${L + pw + 38}" y="${T + i * 20 + 10}">${esc(r)}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** Service peak RSS vs result rows (log x), one line per service format; dashed = RSS before. */
export function memorySvg(doc) {
  const svc = ['svc-csv', 'svc-json', 'svc-sse'];
  const pts = (r, k) =>
    doc.summary
      .filter(
        (g) =>
          g.reader === r && g.concurrency === 1 && !g.workload.startsWith('concurrency-') && g[k],
      )
      .map((g) => ({
        x: g.expectedRows,
        y: g[k].median,
        lo: g[k].min,
        hi: g[k].max,
        w: g.workload,
      }))
      .sort((a, b) => a.x - b.x);
  const series = svc.map((r) => ({
    r,
    peak: pts(r, 'svcPeakRssMiB'),
    before: pts(r, 'svcRssBeforeMiB'),
  }));
  const all = series.flatMap((s) => [...s.peak, ...s.before]);
  const { W, H, L, R, T, B } = FRAME;
  const pw = W - L - R,
    ph = H - T - B;
  const xs = all.map((p) => p.x).filter((v) => v > 0);
  const lx0 = Math.floor(Math.log10(Math.min(...xs, 1e4)));
  const lx1 = Math.ceil(Math.log10(Math.max(...xs, 1e5)));
  const yMax = niceMax(Math.max(100, ...all.map((p) => p.hi)));
  const x = (v) => L + ((Math.log10(v) - lx0) / (lx1 - lx0)) * pw;
  const y = (v) => T + ph - (v / yMax) * ph;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">Service peak RSS vs result size (one download at a time)</text>`,
    `<text x="${W / 2}" y="38" text-anchor="middle" fill="#666">${esc(`${doc.startedAt.slice(0, 10)}; solid: peak VmRSS during the run (median, whiskers min–max); dashed: VmRSS before the run`)}</text>`,
  ];
  for (let i = 0; i <= 5; i++) {
    const v = (yMax * i) / 5;
    out.push(
      `<line x1="${L}" x2="${L + pw}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`,
      `<text x="${L - 6}" y="${y(v) + 4}" text-anchor="end">${fmtNum(v)}</text>`,
    );
  }
  for (let e = lx0; e <= lx1; e++) {
    out.push(
      `<line x1="${x(10 ** e)}" x2="${x(10 ** e)}" y1="${T}" y2="${T + ph}" stroke="#eee"/>`,
      `<text x="${x(10 ** e)}" y="${T + ph + 18}" text-anchor="middle">${esc(
        fmtSi(10 ** e)
          .replace('.00', '')
          .replace('1.00', '1'),
      )}</text>`,
    );
  }
  out.push(
    `<text transform="translate(20 ${T + ph / 2}) rotate(-90)" text-anchor="middle">MiB</text>`,
    `<text x="${L + pw / 2}" y="${T + ph + 40}" text-anchor="middle">result rows (log scale)</text>`,
    `<line x1="${L}" x2="${L + pw}" y1="${T + ph}" y2="${T + ph}" stroke="#000"/>`,
    `<line x1="${L}" x2="${L}" y1="${T}" y2="${T + ph}" stroke="#000"/>`,
  );
  const poly = (ps, color, dash) =>
    ps.length > 1
      ? `<polyline fill="none" stroke="${color}" stroke-width="2"${dash ? ' stroke-dasharray="5 4" stroke-opacity="0.6"' : ''} points="${ps.map((p) => `${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`).join(' ')}"/>`
      : '';
  series.forEach(({ r, peak, before }, i) => {
    out.push(poly(before, COLORS[r], true), poly(peak, COLORS[r], false));
    for (const p of peak) {
      out.push(
        `<line x1="${x(p.x)}" x2="${x(p.x)}" y1="${y(p.hi)}" y2="${y(p.lo)}" stroke="${COLORS[r]}"/>`,
        `<circle cx="${x(p.x).toFixed(1)}" cy="${y(p.y).toFixed(1)}" r="4" fill="${COLORS[r]}"><title>${esc(`${r} ${p.w}: ${fmtNum(p.y)} MiB peak`)}</title></circle>`,
      );
    }
    out.push(
      `<rect x="${L + pw + 20}" y="${T + i * 20}" width="12" height="12" fill="${COLORS[r]}"/>`,
      `<text x="${L + pw + 38}" y="${T + i * 20 + 10}">${esc(r)}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

export function writeReports(doc, { mdPath, svgDir, svgPrefix = '' }) {
  writeFileSync(mdPath, markdown(doc));
  mkdirSync(svgDir, { recursive: true });
  const t = path.join(svgDir, `${svgPrefix}bench-throughput.svg`);
  const m = path.join(svgDir, `${svgPrefix}bench-memory.svg`);
  writeFileSync(t, throughputSvg(doc));
  writeFileSync(m, memorySvg(doc));
  return [mdPath, t, m];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node bench/report.mjs bench/results/<date>.json [svgDir]');
    process.exit(2);
  }
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  const files = writeReports(doc, {
    mdPath: file.replace(/\.json$/, '.md'),
    svgDir: process.argv[3] ?? path.dirname(file),
    svgPrefix: process.argv[3] ? '' : `${path.basename(file, '.json')}-`,
  });
  console.log(files.join('\n'));
}
