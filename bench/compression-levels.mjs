// Which compression level a download should use: compresses a sample body (a file) in 128 KiB
// writes, each flushed as the service flushes a page, at several gzip levels (up to the
// highest, 9) and brotli qualities, and prints the ratio and the CPU per 100 MB
// (process-wide, so zlib's worker threads count). Usage:
//   node bench/compression-levels.mjs <sample-file>
import { readFileSync } from 'node:fs';
import * as zlib from 'node:zlib';

const data = readFileSync(process.argv[2]);
const CHUNK = 128 * 1024;
const c = zlib.constants;

async function measure(name, stream, flush) {
  let out = 0;
  stream.on('data', (b) => (out += b.length));
  const cpu0 = process.cpuUsage();
  for (let at = 0; at < data.length; at += CHUNK) {
    stream.write(data.subarray(at, at + CHUNK));
    await new Promise((resolve) => stream.flush(flush, resolve));
  }
  await new Promise((resolve) => stream.end(resolve));
  const used = process.cpuUsage(cpu0);
  const seconds = (used.user + used.system) / 1e6;
  const row = [
    name.padEnd(12),
    (data.length / out).toFixed(2).padStart(6),
    ((seconds * 1e8) / data.length).toFixed(2).padStart(8),
  ];
  console.log(`| ${row.join(' | ')} |`);
}

console.log(`${data.length} bytes of ${process.argv[2]}`);
console.log('| coding       |  ratio | CPU s per 100 MB |');
console.log('| ------------ | -----: | ---------------: |');
for (const level of [1, 2, 3, 6, 9])
  await measure(`gzip ${level}`, zlib.createGzip({ level }), c.Z_SYNC_FLUSH);
for (const quality of [0, 1, 2, 4]) {
  const params = { [c.BROTLI_PARAM_QUALITY]: quality, [c.BROTLI_PARAM_LGWIN]: 18 };
  await measure(`br ${quality}`, zlib.createBrotliCompress({ params }), c.BROTLI_OPERATION_FLUSH);
}
