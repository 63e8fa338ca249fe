import fc from 'fast-check';
import { tableFromIPC } from 'apache-arrow';
import { PageTokenizer, Scratch } from '../../../trino/page-tokenizer';
import type { TrinoColumn } from '../../../trino/trino-types';
import { ArrowStream } from './arrow-stream';

const SEED = 20261205;
const RUNS = 200;

const COLUMNS: TrinoColumn[] = [
  { name: 'd', type: 'double', typeSignature: { rawType: 'double', arguments: [] } },
  { name: 'r', type: 'real', typeSignature: { rawType: 'real', arguments: [] } },
];

/** Number text as Trino may send it: plain decimals of every length, exponents, signs, zeros. */
const numberText = fc.oneof(
  fc
    .tuple(fc.boolean(), fc.stringMatching(/^[0-9]{1,19}$/), fc.stringMatching(/^[0-9]{0,19}$/))
    .map(([neg, int, frac]) => `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}`),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.constantFrom('0.0', '-0.0', '1.0E300', '4.9E-324', '9007199254740993', '0.1', '123.450'),
);

/** The double and real columns of one page of `values`, as the Arrow download writes them. */
function readBack(values: string[]): { d: number[]; r: number[] } {
  const data = values.map((v) => `[${v},${v}]`).join(',');
  const page = `{"id":"q","columns":${JSON.stringify(COLUMNS)},"data":[${data}]}`;
  const tokenizer = new PageTokenizer(undefined, new Scratch());
  const arrow = new ArrowStream(COLUMNS, ['d', 'r'], 'q');
  const parts = [arrow.head(), arrow.rows(tokenizer.write([Buffer.from(page)])!)];
  tokenizer.end();
  parts.push(arrow.end(values.length, false, 'q'));
  const table = tableFromIPC(Buffer.concat(parts));
  const column = (name: string): number[] => [
    ...(table.getChild(name)!.toArray() as Iterable<number>),
  ];
  return { d: column('d'), r: column('r') };
}

describe('Arrow doubles and reals read from the bytes', () => {
  beforeAll(() => console.info(`fast-check seed ${SEED}, ${RUNS} pages`));

  it("equal Number() of Trino's text, bit for bit (-0 included)", () => {
    fc.assert(
      fc.property(fc.array(numberText, { minLength: 1, maxLength: 20 }), (values) => {
        const { d, r } = readBack(values);
        expect(d).toEqual(values.map(Number));
        expect(r).toEqual(values.map((v) => Math.fround(Number(v))));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
