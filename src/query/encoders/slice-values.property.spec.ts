import fc from 'fast-check';
import { parse, parseNumberAndBigInt } from 'lossless-json';
import { PageTokenizer } from '../../trino/page-tokenizer';
import type { RowSlices } from '../../trino/row-slices';
import type { ClientTypeSignature, TrinoColumn } from '../../trino/trino-types';
import { compileColumns, type ResultColumns } from './columns';
import { csv } from './csv-encoder';
import { jsonDoc } from './json-encoder';
import { sse } from './sse-encoder';

/**
 * The tokenizer plus a format must write exactly what an exact parser (lossless-json, not
 * ours) plus the value encoders write, for random pages of every Trino type cut into chunks at
 * random byte offsets. Fixed seed and case count, so a failure is reproducible.
 */
const SEED = 20261205;
const RUNS = 300;

/** A column type, how Trino writes its values as JSON text, and a generator of such text. */
interface TypeGen {
  sig: ClientTypeSignature;
  type: string;
  value: fc.Arbitrary<string>;
}

const sig = (rawType: string, ...args: ClientTypeSignature[]): ClientTypeSignature => ({
  rawType,
  arguments: args.map((value) => ({ kind: 'TYPE' as const, value })),
});

/** Java's Double.toString: plain in [1e-3, 1e7) with at least one fraction digit, else d.dddE±n. */
function javaDouble(d: number): string {
  if (Object.is(d, -0)) return '-0.0';
  if (d === 0) return '0.0';
  const [mantissa, exp] = d.toExponential().split('e');
  const e = Number(exp);
  const a = Math.abs(d);
  if (a >= 1e-3 && a < 1e7) {
    const s = String(d);
    return s.includes('.') ? s : `${s}.0`;
  }
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${e}`;
}

const double = fc.oneof(
  fc
    .double()
    .map((d) =>
      Number.isFinite(d) ? javaDouble(d) : JSON.stringify(Number.isNaN(d) ? 'NaN' : String(d)),
    ),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.constantFrom('1.0E10', '0.1', '2.5', '-0.0', '1.0E-7', '100.5', '0.000001', '1.50'),
);

/** Strings as Trino's Jackson writes them, and with escapes it could use, to reach both paths. */
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('', 'a,b', 'say "hi"', 'line\nbreak', 'tab\t', 'é😀', 'back\\slash', '/'),
);
const stringText = fc.tuple(text, fc.integer({ min: 0, max: 3 })).map(([s, style]) => {
  const plain = JSON.stringify(s);
  if (style === 1)
    return plain.replace(
      /[^\x20-\x7e]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  if (style === 2) return plain.replace(/\//g, '\\/');
  return plain;
});

const bigint = fc
  .oneof(
    fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n),
    fc.constantFrom(-(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n, -(2n ** 53n) - 1n, 0n),
  )
  .map(String);

const scalars: TypeGen[] = [
  { sig: sig('bigint'), type: 'bigint', value: bigint },
  { sig: sig('integer'), type: 'integer', value: fc.integer().map(String) },
  { sig: sig('double'), type: 'double', value: double },
  {
    sig: sig('real'),
    type: 'real',
    value: fc.float({ noNaN: true, noDefaultInfinity: true }).map(javaDouble),
  },
  {
    sig: sig('decimal'),
    type: 'decimal(20,4)',
    value: fc
      .tuple(fc.bigInt(-(10n ** 16n), 10n ** 16n), fc.integer({ min: 0, max: 9999 }))
      .map(([i, f]) => JSON.stringify(`${i}.${String(f).padStart(4, '0')}`)),
  },
  { sig: sig('varchar'), type: 'varchar', value: stringText },
  { sig: sig('boolean'), type: 'boolean', value: fc.constantFrom('true', 'false') },
  {
    sig: sig('json'),
    type: 'json',
    value: fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(JSON.stringify(v))),
  },
  {
    sig: sig('varbinary'),
    type: 'varbinary',
    value: fc.base64String().map((s) => JSON.stringify(s)),
  },
  { sig: sig('timestamp'), type: 'timestamp(3)', value: fc.constant('"2024-01-01 12:00:00.123"') },
];

const nullable = (g: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.oneof({ weight: 1, arbitrary: fc.constant('null') }, { weight: 4, arbitrary: g });

const typeGen: fc.Memo<TypeGen> = fc.memo((depth) => {
  if (depth <= 1) return fc.constantFrom(...scalars);
  const inner = typeGen(depth - 1);
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...scalars) },
    inner.map((t) => ({
      sig: sig('array', t.sig),
      type: `array(${t.type})`,
      value: fc.array(nullable(t.value), { maxLength: 4 }).map((vs) => `[${vs.join(',')}]`),
    })),
    inner.map((t) => ({
      sig: sig('map', sig('varchar'), t.sig),
      type: `map(varchar, ${t.type})`,
      value: fc
        .uniqueArray(fc.tuple(fc.string({ maxLength: 6 }), nullable(t.value)), {
          maxLength: 3,
          selector: ([k]) => k,
        })
        .map(
          (es) =>
            `{${es
              .filter(([k]) => k !== '__proto__')
              .map(([k, v]) => `${JSON.stringify(k)}:${v}`)
              .join(',')}}`,
        ),
    })),
    fc.tuple(inner, inner, fc.boolean()).map(([a, b, named]) => ({
      sig: {
        rawType: 'row',
        arguments: [a, b].map((t, i) => ({
          kind: 'NAMED_TYPE' as const,
          value: { fieldName: named ? { name: `f${i}` } : null, typeSignature: t.sig },
        })),
      },
      type: 'row(...)',
      value: fc.tuple(nullable(a.value), nullable(b.value)).map(([x, y]) => `[${x},${y}]`),
    })),
  );
});

const ws = fc.constantFrom('', '', '', ' ', '\n ');

/** A page's text, its columns, and where its bytes are cut into chunks. */
const pages = fc.array(typeGen(3), { minLength: 1, maxLength: 5 }).chain((types) =>
  fc
    .tuple(
      fc.array(fc.tuple(...types.map((t) => nullable(t.value))), { maxLength: 12 }),
      ws,
      fc.array(fc.nat(), { maxLength: 6 }),
    )
    .map(([rows, space, cuts]) => {
      const columns: TrinoColumn[] = types.map((t, i) => ({
        name: `c${i}`,
        type: t.type,
        typeSignature: t.sig,
      }));
      const data = rows.map((r) => `[${space}${r.join(`${space},`)}]`).join(`,${space}`);
      const page =
        `{"id":"q","nextUri":"http://t/2","columns":${JSON.stringify(columns)},` +
        `"data":[${space}${data}${space}],"stats":{"state":"RUNNING"}}`;
      return { columns, page, cuts };
    }),
);

/**
 * Cuts `page` at the given byte offsets, tokenizes it chunk by chunk, and writes each batch
 * at once (a batch is valid only until the tokenizer's next call), as a stream does.
 */
function written(
  cols: ResultColumns,
  page: string,
  cuts: number[],
): { csv: string; json: string; sse: string } {
  const bytes = Buffer.from(page, 'utf8');
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const tokenizer = new PageTokenizer();
  const out = { csv: [] as string[], json: [] as string[], sse: [] as string[] };
  const take = (b: RowSlices | undefined): void => {
    if (!b) return;
    out.csv.push(csv.rows(cols, b));
    out.json.push(jsonDoc.rows(cols, b, out.json.length === 0));
    out.sse.push(sse.rows(cols, b));
  };
  let from = 0;
  for (const cut of [...at, bytes.length]) {
    take(tokenizer.write([bytes.subarray(from, cut)]));
    from = cut;
  }
  take(tokenizer.end());
  return { csv: out.csv.join(''), json: out.json.join(''), sse: out.sse.join('') };
}

/** What the service wrote before the tokenizer: exact values through the value encoders. */
function reference(cols: ResultColumns, page: string): { csv: string; json: string; sse: string } {
  const rows = (parse(page, undefined, parseNumberAndBigInt) as { data: unknown[][] }).data;
  const json = rows.map(
    (row) =>
      `${row.map((v, c) => cols.keyFragments[c].bytes.toString('utf8') + (v === null ? 'null' : cols.json[c](v))).join('')}}`,
  );
  return {
    csv: rows
      .map((row) => `${row.map((v, c) => (v === null ? '' : cols.csv[c](v))).join(',')}\r\n`)
      .join(''),
    json: json.join(','),
    sse: json.map((o) => `data: {"type":"row","data":${o}}\n\n`).join(''),
  };
}

describe('tokenizer + formats against an exact parser + the value encoders', () => {
  beforeAll(() => console.info(`fast-check seed ${SEED}, ${RUNS} pages`));

  it('writes the same bytes for random pages cut at random offsets', () => {
    fc.assert(
      fc.property(pages, ({ columns, page, cuts }) => {
        const cols = compileColumns(columns);
        expect(written(cols, page, cuts)).toEqual(reference(cols, page));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('writes the same bytes for a page of every type cut at every byte offset', () => {
    const sample = fc.sample(pages, { seed: SEED, numRuns: 40 });
    const { columns, page } = sample.reduce((a, b) => (b.page.length > a.page.length ? b : a));
    const cols = compileColumns(columns);
    const expected = reference(cols, page);
    const length = Buffer.byteLength(page, 'utf8');
    for (let cut = 0; cut <= length; cut++) expect(written(cols, page, [cut])).toEqual(expected);
    const everyByte = Array.from({ length }, (_, i) => i);
    expect(written(cols, page, everyByte)).toEqual(expected);
  });
});
