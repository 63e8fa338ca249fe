import { isIPv4, isIPv6 } from 'node:net';
import { DomainError } from '../common/domain-error';
import { FailureThrottle } from './failure-throttle';

/** Failed logins allowed per minute, by what they are counted against. */
export interface FailedLoginLimits {
  /** One user from one address: the tight limit against guessing. */
  perUserAddress: number;
  /** One user from everywhere: bounds guessing from many addresses; far above one address's share. */
  perUser: number;
  /** One address for every user: bounds spraying one password over many names. */
  perAddress: number;
}

/** Which limit a refused attempt hit, with the seconds until it may try again. */
export interface Refusal {
  limit: keyof FailedLoginLimits;
  retryAfter: number;
}

const REFUSED_BECAUSE: Record<Refusal['limit'], string> = {
  perUserAddress: 'too many failed logins for this user from this address',
  perUser: 'too many failed logins for this user',
  perAddress: 'too many failed logins from this address',
};

/** The 429 of a refused attempt, saying which limit it hit and when to try again. */
export function throttledError({ limit, retryAfter }: Refusal): DomainError {
  return new DomainError(
    'AUTH_THROTTLED',
    `${REFUSED_BECAUSE[limit]}; try again later`,
    {},
    { 'Retry-After': String(retryAfter) },
  );
}

/**
 * The throttle key of a client address. IPv4-mapped IPv6 is its IPv4 address; other IPv6
 * addresses count by their /64, the smallest block a single host is given, so one host cannot
 * walk through its own subnet to look like many clients.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (isIPv4(address) || !isIPv6(address)) return address;
  const [head, tail = ''] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

/**
 * Failed Basic logins counted three ways, so that no single address can lock a user out:
 * per (user, address) at the tight rate, per user at a ceiling many addresses must share, and
 * per address across all users.
 */
export class LoginThrottle {
  private readonly throttles: Record<keyof FailedLoginLimits, FailureThrottle>;

  constructor(limits: FailedLoginLimits) {
    this.throttles = {
      perUserAddress: new FailureThrottle(limits.perUserAddress),
      perUser: new FailureThrottle(limits.perUser),
      perAddress: new FailureThrottle(limits.perAddress),
    };
  }

  /** The limit `user` from `address` is over, or undefined if the attempt may go ahead. */
  refusal(user: string, address: string, now = Date.now()): Refusal | undefined {
    let worst: Refusal | undefined;
    for (const [limit, key] of this.keys(user, address)) {
      const retryAfter = this.throttles[limit].retryAfter(key, now);
      if (retryAfter > (worst?.retryAfter ?? 0)) worst = { limit, retryAfter };
    }
    return worst;
  }

  recordFailure(user: string, address: string, now = Date.now()): void {
    for (const [limit, key] of this.keys(user, address))
      this.throttles[limit].recordFailure(key, now);
  }

  private keys(user: string, address: string): [keyof FailedLoginLimits, string][] {
    const at = addressKey(address);
    return [
      ['perUserAddress', JSON.stringify([user, at])],
      ['perUser', user],
      ['perAddress', at],
    ];
  }
}
