import { typeNode, type ClientTypeSignature, type TypeNode } from './trino-types';

const sig = (rawType: string, ...args: ClientTypeSignature[]): ClientTypeSignature => ({
  rawType,
  arguments: args.map((value) => ({ kind: 'TYPE' as const, value })),
});
const named = (name: string | undefined, typeSignature: ClientTypeSignature) => ({
  kind: 'NAMED_TYPE' as const,
  value: { fieldName: name === undefined ? null : { name }, typeSignature },
});
const leaf = (base: string): TypeNode => ({ base, args: [], fieldNames: [] });

describe('typeNode', () => {
  it.each<[string, ClientTypeSignature, TypeNode]>([
    ['bigint', sig('bigint'), leaf('bigint')],
    ['no arguments key', { rawType: 'boolean' }, leaf('boolean')],
    ['upper-case rawType is lowered', sig('BIGINT'), leaf('bigint')],
    [
      'varchar(10) drops the LONG argument',
      { rawType: 'varchar', arguments: [{ kind: 'LONG', value: 10 }] },
      leaf('varchar'),
    ],
    [
      'decimal(38,2) drops LONG arguments',
      {
        rawType: 'decimal',
        arguments: [
          { kind: 'LONG', value: 38 },
          { kind: 'LONG', value: 2 },
        ],
      },
      leaf('decimal'),
    ],
    [
      'array(bigint)',
      sig('array', sig('bigint')),
      { base: 'array', args: [leaf('bigint')], fieldNames: [undefined] },
    ],
    [
      'map(varchar, array(bigint))',
      sig('map', sig('varchar'), sig('array', sig('bigint'))),
      {
        base: 'map',
        args: [leaf('varchar'), { base: 'array', args: [leaf('bigint')], fieldNames: [undefined] }],
        fieldNames: [undefined, undefined],
      },
    ],
    [
      'named row(x bigint, y varchar)',
      { rawType: 'row', arguments: [named('x', sig('bigint')), named('y', sig('varchar'))] },
      { base: 'row', args: [leaf('bigint'), leaf('varchar')], fieldNames: ['x', 'y'] },
    ],
    [
      'anonymous row(bigint, double)',
      {
        rawType: 'row',
        arguments: [named(undefined, sig('bigint')), named(undefined, sig('double'))],
      },
      { base: 'row', args: [leaf('bigint'), leaf('double')], fieldNames: [undefined, undefined] },
    ],
    [
      'partly named row',
      { rawType: 'row', arguments: [named('a', sig('bigint')), named(undefined, sig('bigint'))] },
      { base: 'row', args: [leaf('bigint'), leaf('bigint')], fieldNames: ['a', undefined] },
    ],
    [
      'row with fieldName lacking (undefined fieldName)',
      {
        rawType: 'row',
        arguments: [{ kind: 'NAMED_TYPE', value: { typeSignature: sig('integer') } }],
      },
      { base: 'row', args: [leaf('integer')], fieldNames: [undefined] },
    ],
    [
      'timestamp(3) with VARIABLE ignored',
      { rawType: 'timestamp', arguments: [{ kind: 'VARIABLE', value: 'p' }] },
      leaf('timestamp'),
    ],
  ])('%s', (_name, signature, expected) => {
    expect(typeNode(signature)).toEqual(expected);
  });

  it.each([
    ['bigint', 'bigint'],
    ['array(bigint)', 'array'],
    ['decimal(10,2)', 'decimal'],
    ['ROW(x BIGINT)', 'row'],
    ['map(varchar, bigint)', 'map'],
  ])('without a typeSignature falls back to the base of type %s', (type, base) => {
    expect(typeNode(undefined, type)).toEqual(leaf(base));
  });

  it('without a signature or a fallback the type is unknown', () => {
    expect(typeNode(undefined)).toEqual(leaf('unknown'));
  });
});
