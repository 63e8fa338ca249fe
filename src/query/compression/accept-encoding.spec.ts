import { negotiateEncoding, type ContentCoding } from './accept-encoding';

const ALL: ContentCoding[] = ['br', 'zstd', 'gzip'];
const NO_ZSTD: ContentCoding[] = ['br', 'gzip'];

describe('negotiateEncoding', () => {
  it.each([
    [undefined, 'identity'],
    ['', 'identity'],
    ['gzip', 'gzip'],
    ['x-gzip', 'gzip'],
    ['GZIP', 'gzip'],
    ['gzip, br', 'br'],
    ['gzip, deflate, br, zstd', 'br'],
    ['gzip;q=1.0, br;q=0.5', 'gzip'],
    ['br;q=0.2, gzip;q=0.3', 'gzip'],
    ['gzip;q=0.3', 'gzip'],
    ['deflate', 'identity'],
    ['identity', 'identity'],
    ['gzip, identity', 'gzip'],
    ['identity, gzip;q=0.5', 'identity'],
    ['*', 'br'],
    ['*;q=0.5, identity', 'identity'],
    ['gzip;q=0', 'identity'],
    ['br;q=0, *', 'zstd'],
    ['gzip;q=0, *;q=0, identity;q=0.1', 'identity'],
    ['gzip;q=2, br', 'br'],
    ['gzip;q=abc', 'identity'],
    [' gzip ; q=0.8 ,br;q=0.9 ', 'br'],
  ])('%j gives %s', (header, expected) => {
    expect(negotiateEncoding(header, ALL)).toBe(expected);
  });

  it('offers zstd only where Node has it', () => {
    expect(negotiateEncoding('zstd', NO_ZSTD)).toBe('identity');
    expect(negotiateEncoding('zstd', ALL)).toBe('zstd');
    expect(negotiateEncoding('zstd, gzip;q=0.5', NO_ZSTD)).toBe('gzip');
  });

  it.each(['*;q=0', 'identity;q=0', 'gzip;q=0, identity;q=0', 'zstd, identity;q=0'])(
    '%j accepts nothing the service can write',
    (header) => {
      expect(negotiateEncoding(header, NO_ZSTD)).toBeUndefined();
    },
  );
});
