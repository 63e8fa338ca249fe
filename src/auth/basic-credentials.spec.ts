import { decodeBasic } from './basic-credentials';

const b64 = (text: string | Buffer): string => Buffer.from(text).toString('base64');

describe('decodeBasic', () => {
  it.each([
    [
      'a user and password',
      b64('alice:alice-password'),
      { user: 'alice', password: 'alice-password' },
    ],
    [
      'only the first colon splits',
      b64('carol:pa:ss:word'),
      { user: 'carol', password: 'pa:ss:word' },
    ],
    ['an empty password', b64('alice:'), { user: 'alice', password: '' }],
    ['UTF-8 user and password', b64('jörg:pässwörd€'), { user: 'jörg', password: 'pässwörd€' }],
    ['a password with spaces', b64('bob: a b '), { user: 'bob', password: ' a b ' }],
  ])('accepts %s', (_label, encoded, expected) => {
    expect(decodeBasic(encoded)).toEqual(expected);
  });

  it.each([
    ['an empty string', ''],
    ['an empty user name', b64(':alice-password')],
    ['no colon at all', b64('alice')],
    ['characters outside base64', '!!!'],
    ['base64 without its padding', 'YWxpY2U6cHc'],
    ['base64url alphabet', Buffer.from('a:??>>').toString('base64url')],
    ['a length that is not a multiple of 4', 'YWxpY2U6cHc=='],
    ['embedded whitespace', 'YWxp Y2U6cHc='],
    ['leading whitespace', ' YWxpY2U6cHc='],
    ['a trailing newline', 'YWxpY2U6cHc=\n'],
    ['padding in the middle', 'YQ==YWxpY2U6cHc='],
    ['non-zero padding bits (non-canonical; "cHd=" also decodes to "pw")', 'YWxpY2U6cHd='],
    ['invalid UTF-8 (0xff 0xfe)', b64(Buffer.from([0xff, 0xfe, 0x3a, 0x61]))],
    ['an overlong UTF-8 encoding of "/"', b64(Buffer.from([0x61, 0x3a, 0xc0, 0xaf]))],
    ['a UTF-8-encoded surrogate', b64(Buffer.from([0x61, 0x3a, 0xed, 0xa0, 0x80]))],
    ['a truncated UTF-8 sequence', b64(Buffer.from([0x61, 0x3a, 0xe2, 0x82]))],
  ])('rejects %s', (_label, encoded) => {
    expect(decodeBasic(encoded)).toBeUndefined();
  });

  it('the canonical form of the non-canonical case above is accepted (so the rejection is about the encoding)', () => {
    expect(b64('alice:pw')).toBe('YWxpY2U6cHc=');
    expect(decodeBasic('YWxpY2U6cHc=')).toEqual({ user: 'alice', password: 'pw' });
    expect(Buffer.from('YWxpY2U6cHd=', 'base64').toString()).toBe('alice:pw');
  });
});
