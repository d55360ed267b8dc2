// Login password hashing (scrypt) and the SIP digest HA1 derived from the same password.
import { createHash, randomBytes, randomInt, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// N=2^15 costs ~50–100 ms per hash: noticeable for an attacker, fine for a login.
const N = 32768;
const R = 8;
const P = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
// Refuse absurd parameters read from a stored hash instead of letting them exhaust memory.
const MAX_N = 1 << 20;

function scrypt(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** 128·N·r·p bytes is what scrypt needs; Node's default cap (32 MiB) is too tight for larger N. */
function maxmem(n: number, r: number, p: number): number {
  return 128 * n * r * p + 1024 * 1024;
}

/** Returns `scrypt$N$r$p$saltB64$hashB64`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scrypt(password, salt, KEY_BYTES, { N, r: R, p: P, maxmem: maxmem(N, R, P) });
  return ['scrypt', N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

/** false for a wrong password and for a malformed hash (never throws on bad input). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const expected = Buffer.from(parts[5] ?? '', 'base64');
  const validParams = [n, r, p].every((x) => Number.isInteger(x) && x > 0) && n <= MAX_N && (n & (n - 1)) === 0;
  if (!validParams || r * p >= 1 << 30 || salt.length === 0 || expected.length === 0) return false;
  try {
    const actual = await scrypt(password, salt, expected.length, { N: n, r, p, maxmem: maxmem(n, r, p) });
    return timingSafeEqual(actual, expected);
  } catch {
    return false;
  }
}

/** md5("extension:realm:password") as lowercase hex: what Asterisk's `md5_cred` auth expects. */
export function sipHa1(extension: string, realm: string, password: string): string {
  return createHash('md5').update(`${extension}:${realm}:${password}`, 'utf8').digest('hex');
}

// No 0/o, 1/l/i: passwords get read aloud and typed from paper at agent onboarding.
const ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';
const GROUPS = 5;
const GROUP_LEN = 4;

/** e.g. "k7mp-x3qa-9fde-tw2h-bc4n": 20 random characters (≈99 bits) in dash-separated groups. */
export function generatePassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < GROUPS; g++) {
    let s = '';
    for (let i = 0; i < GROUP_LEN; i++) s += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(s);
  }
  return groups.join('-');
}
