import { addressKey, LoginThrottle } from './login-throttle';

const T0 = 1_700_000_000_000;
const LIMITS = { perUserAddress: 3, perUser: 6, perAddress: 5 };

function fail(t: LoginThrottle, user: string, address: string, times: number): void {
  for (let i = 0; i < times; i++) t.recordFailure(user, address, T0);
}

describe('LoginThrottle', () => {
  it('the tight limit is per (user, address): another address may still try for that user', () => {
    const t = new LoginThrottle(LIMITS);
    fail(t, 'alice', '10.0.0.1', 3);
    expect(t.refusal('alice', '10.0.0.1', T0)).toEqual({ limit: 'perUserAddress', retryAfter: 60 });
    expect(t.refusal('alice', '10.0.0.2', T0)).toBeUndefined();
    expect(t.refusal('bob', '10.0.0.1', T0)).toBeUndefined();
  });

  it('the per-user ceiling holds across addresses', () => {
    const t = new LoginThrottle(LIMITS);
    for (const at of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) fail(t, 'alice', at, 2);
    expect(t.refusal('alice', '10.0.0.9', T0)).toEqual({ limit: 'perUser', retryAfter: 60 });
    expect(t.refusal('bob', '10.0.0.9', T0)).toBeUndefined();
  });

  it('the per-address ceiling holds across users', () => {
    const t = new LoginThrottle(LIMITS);
    for (const user of ['u1', 'u2', 'u3', 'u4', 'u5']) fail(t, user, '10.0.0.1', 1);
    expect(t.refusal('alice', '10.0.0.1', T0)).toEqual({ limit: 'perAddress', retryAfter: 60 });
    expect(t.refusal('alice', '10.0.0.2', T0)).toBeUndefined();
  });

  it('refuses until the window of the failures ends, then lets attempts go ahead', () => {
    const t = new LoginThrottle(LIMITS);
    fail(t, 'alice', '10.0.0.1', 3);
    expect(t.refusal('alice', '10.0.0.1', T0 + 30_000)).toEqual({
      limit: 'perUserAddress',
      retryAfter: 30,
    });
    expect(t.refusal('alice', '10.0.0.1', T0 + 60_000)).toBeUndefined();
  });

  it('a user name cannot collide with another (user, address) pair', () => {
    const t = new LoginThrottle({ perUserAddress: 1, perUser: 100, perAddress: 100 });
    t.recordFailure('a', 'b\u0000c', T0);
    expect(t.refusal('a\u0000b', 'c', T0)).toBeUndefined();
  });

  it('an IPv6 host cannot walk its /64 to look like many clients', () => {
    const t = new LoginThrottle(LIMITS);
    fail(t, 'alice', '2001:db8:1:2::1', 1);
    fail(t, 'alice', '2001:db8:1:2::2', 1);
    fail(t, 'alice', '2001:db8:1:2:ffff:1:2:3', 1);
    expect(t.refusal('alice', '2001:db8:1:2::99', T0)?.limit).toBe('perUserAddress');
    expect(t.refusal('alice', '2001:db8:1:3::1', T0)).toBeUndefined();
  });
});

describe('addressKey', () => {
  it.each([
    ['127.0.0.2', '127.0.0.2'],
    ['::ffff:127.0.0.2', '127.0.0.2'],
    ['::FFFF:10.1.2.3', '10.1.2.3'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:0db8:0000:0001:0000:0000:0000:0001', '2001:db8:0:1::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80:1:2:3:4:5:6:7', 'fe80:1:2:3::/64'],
    ['unknown', 'unknown'],
  ])('%s counts as %s', (address, key) => {
    expect(addressKey(address)).toBe(key);
  });
});
