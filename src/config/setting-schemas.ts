import { isIP } from 'node:net';
import { z } from 'zod';

/** `true/1/yes/on` (any case) is true; anything else false, as the Python gateway read them. */
export const envBool = (raw: string) =>
  ['true', '1', 'yes', 'on'].includes(raw.trim().toLowerCase());

/** An environment string as a number; `NaN` (refused by the schema) when it is not one. */
export const envNumber = (raw: string) => (raw.trim() === '' ? NaN : Number(raw));

export const bool = z.boolean({ message: 'must be true or false' });

export const integer = (min: number, max: number) =>
  z
    .number({ message: 'must be a whole number' })
    .int({ message: 'must be a whole number' })
    .min(min, { message: `must be at least ${min}` })
    .max(max, { message: `must be at most ${max}` });

export const decimal = (min: number, max: number) =>
  z
    .number({ message: 'must be a number' })
    .min(min, { message: `must be at least ${min}` })
    .max(max, { message: `must be at most ${max}` });

const urlWithScheme = (value: string, schemes: readonly string[]) => {
  try {
    const url = new URL(value);
    return schemes.includes(url.protocol) && url.hostname !== '';
  } catch {
    return false;
  }
};

/** A base URL paths are appended to: no user or password, query or fragment. */
const plainBase = (value: string) => {
  if (!URL.canParse(value)) return true; // reported by the scheme check
  const url = new URL(value);
  return !url.username && !url.password && !url.search && !url.hash;
};

/** An http(s) base URL, never empty; a trailing `/` is dropped so paths can be appended. */
export const endpointUrl = z
  .string({ message: 'must be a URL' })
  .trim()
  .refine((value) => urlWithScheme(value, ['http:', 'https:']), {
    message: 'must be an http:// or https:// URL',
  })
  .refine(plainBase, { message: 'must be a base URL without user, password, query or fragment' })
  .transform((value) => value.replace(/\/+$/, ''));

/** An outgoing proxy (`http://`, `https://` or `socks5://`), or `""` for none. Quotes are stripped. */
export const proxyUrl = z
  .string({ message: 'must be a URL or empty' })
  .trim()
  .transform((value) => value.replace(/^(["'])(.*)\1$/, '$2').trim())
  .refine((value) => value === '' || urlWithScheme(value, ['http:', 'https:', 'socks5:']), {
    message: 'must be an http://, https:// or socks5:// URL, or empty for none',
  });

/** Status codes as a JSON array, a `"403,429"` string or one number. */
export const statusCodes = z.preprocess(
  (value) => {
    if (typeof value === 'number') return [value];
    if (typeof value !== 'string') return value;
    const text = value.trim();
    if (text.startsWith('[')) {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text;
      }
    }
    return text === '' ? [] : text.split(',').map((part) => Number(part.trim()));
  },
  z.array(integer(100, 599), { message: 'must be a list of HTTP status codes' }).max(50),
);

const HOSTNAME =
  /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** A bind address: an IPv4 or IPv6 address (brackets allowed) or a host name such as localhost. */
export const bindHost = z
  .string({ message: 'must be an address' })
  .trim()
  .transform((value) => value.replace(/^\[(.*)\]$/, '$1'))
  .refine((value) => isIP(value) !== 0 || HOSTNAME.test(value), {
    message: 'must be an IP address or a host name such as localhost',
  });

/** A password: 1–512 characters, no control characters. */
export const password = z
  .string({ message: 'must be text' })
  .min(1, { message: 'must not be empty' })
  .max(512, { message: 'must be at most 512 characters' })
  // eslint-disable-next-line no-control-regex
  .refine((value) => !/[\u0000-\u001f\u007f]/.test(value), {
    message: 'must not contain control characters',
  });
