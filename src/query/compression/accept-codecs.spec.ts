import { arrowCodec } from './accept-codecs';

describe('arrowCodec', () => {
  const ARROW = 'application/vnd.apache.arrow.stream';

  it.each([
    [`${ARROW}; codecs="zstd, lz4"`, 'lz4'],
    [`${ARROW};codecs=lz4`, 'lz4'],
    ['Application/Vnd.Apache.Arrow.Stream; CODECS=LZ4', 'lz4'],
    [`application/json, ${ARROW}; q=0.5; codecs="lz4"`, 'lz4'],
  ])('reads %j as asking for %s', (accept, codec) => {
    expect(arrowCodec(accept)).toBe(codec);
  });

  it.each([
    [undefined],
    [''],
    [ARROW],
    [`${ARROW}; codecs=zstd`],
    [`${ARROW}; codecs="lz4x"`],
    [`${ARROW}; q=0; codecs=lz4`],
    ['*/*; codecs=lz4'],
    // The comma inside the quotes does not start a new media range.
    [`text/csv; codecs="zstd, lz4", ${ARROW}`],
  ])('asks for no codec the service writes in %j', (accept) => {
    expect(arrowCodec(accept)).toBeUndefined();
  });
});
