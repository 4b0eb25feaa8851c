import { Injectable } from '@nestjs/common';
import { isIPv6 } from 'node:net';
import { LoginThrottle } from './login-throttle';

/**
 * Failed password attempts per client, shared by the panel login and the API key check: the
 * password behind both is often the same, so guessing it through the APIs counts too. Five
 * failures a minute and the client waits (429) wherever it tries next.
 */
@Injectable()
export class PasswordThrottle {
  private readonly throttle = new LoginThrottle();

  /** Whole seconds until `ip` may try again; 0 when it may try now. */
  retryAfter(ip: string | undefined): number {
    return this.throttle.retryAfter(clientKey(ip));
  }

  fail(ip: string | undefined): void {
    this.throttle.fail(clientKey(ip));
  }

  succeed(ip: string | undefined): void {
    this.throttle.succeed(clientKey(ip));
  }
}

/** IPv6 clients are counted by their /64: one host usually has the whole prefix. */
export function clientKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  if (ip.startsWith('::ffff:')) return ip.slice(7);
  if (!isIPv6(ip)) return ip;
  const [head] = ip.split('::');
  const groups = ip.includes('::') ? head.split(':').filter(Boolean) : ip.split(':');
  return `${[...groups, '0', '0', '0', '0'].slice(0, 4).join(':')}::/64`;
}
