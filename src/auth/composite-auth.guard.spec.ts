import type { Request } from 'express';
import { basicAttempt, chooseMethod } from './composite-auth.guard';

function request(headers: Record<string, string>, ip = '10.0.0.1'): Request {
  return { headers, ip, socket: { remoteAddress: '127.0.0.1' } } as unknown as Request;
}

const basic = (credential: string): string =>
  `Basic ${Buffer.from(credential, 'utf8').toString('base64')}`;

describe('chooseMethod', () => {
  it('takes the idtoken header first, whatever Authorization says', () => {
    expect(chooseMethod(request({ idtoken: 'x', authorization: basic('alice:pw') }))).toBe(
      'idtoken',
    );
    expect(chooseMethod(request({ idtoken: '' }))).toBe('idtoken');
  });

  it('reads the scheme of Authorization case-insensitively', () => {
    expect(chooseMethod(request({ authorization: basic('alice:pw') }))).toBe('basic');
    expect(chooseMethod(request({ authorization: 'basic YTpi' }))).toBe('basic');
    expect(chooseMethod(request({ authorization: 'Bearer abc' }))).toBe('bearer');
    expect(chooseMethod(request({ authorization: 'BEARER abc' }))).toBe('bearer');
  });

  it('calls any other scheme unsupported, and no credential none', () => {
    expect(chooseMethod(request({ authorization: 'Digest username="a"' }))).toBe('unsupported');
    expect(chooseMethod(request({ authorization: 'Basic' }))).toBe('unsupported');
    expect(chooseMethod(request({}))).toBeUndefined();
  });
});

describe('basicAttempt', () => {
  it('is the claimed user at the address Express trusts', () => {
    expect(basicAttempt(request({ authorization: basic('carol:pa:ss') }, '10.0.0.7'))).toEqual({
      user: 'carol',
      address: '10.0.0.7',
    });
  });

  it('falls back to the socket address when Express has none', () => {
    const req = request({ authorization: basic('alice:pw') });
    (req as { ip?: string }).ip = undefined;
    expect(basicAttempt(req)?.address).toBe('127.0.0.1');
  });

  it('is nothing for a credential that does not decode: there is no user to count against', () => {
    expect(basicAttempt(request({ authorization: 'Basic !!!' }))).toBeUndefined();
    expect(basicAttempt(request({ authorization: basic('no-colon') }))).toBeUndefined();
  });
});
