import { isIPv4, isIPv6 } from 'node:net';

/** The 16 bytes of an IPv6 address (any textual form, including a dotted IPv4 tail). */
export function ipv6Bytes(address: string): number[] | undefined {
  if (!isIPv6(address)) {
    return undefined;
  }
  let text = address.toLowerCase().split('%')[0]!;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(Math.max(0, missing)).fill('0'), ...tailGroups];
  return groups.flatMap((group) => {
    const value = parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
}

const dottedOf = (bytes: readonly number[]): string => bytes.join('.');

const allZero = (bytes: readonly number[]): boolean => bytes.every((b) => b === 0);

/**
 * The IPv4 positions of RFC 6052 per NAT64 prefix length (byte 8, the "u" octet, is skipped),
 * for the local-use prefix `64:ff9b:1::/48`, whose operator picks the length.
 */
const RFC6052_POSITIONS: ReadonlyArray<readonly number[]> = [
  [6, 7, 9, 10], // /48
  [7, 9, 10, 11], // /56
  [9, 10, 11, 12], // /64
  [12, 13, 14, 15], // /96
];

/**
 * Every IPv4 address an IPv6 address carries by a transition mechanism, so the IPv4 rules can
 * judge it: IPv4-mapped `::ffff:0:0/96`, IPv4-translated `::ffff:0:0:0/96`, IPv4-compatible
 * `::/96`, NAT64 `64:ff9b::/96` and the local-use `64:ff9b:1::/48` (every RFC 6052 position),
 * 6to4 `2002::/16` and Teredo `2001::/32` (its server and its client, whose address is the last
 * 32 bits inverted). An IPv4 address is its own embedded address; other IPv6 addresses carry none.
 */
export function embeddedIPv4(address: string): string[] {
  if (isIPv4(address)) {
    return [address];
  }
  const bytes = ipv6Bytes(address);
  if (!bytes) {
    return [];
  }
  const last4 = bytes.slice(12);
  const word = (i: number) => (bytes[i]! << 8) | bytes[i + 1]!;
  if (allZero(bytes.slice(0, 10)) && word(10) === 0xffff) {
    return [dottedOf(last4)];
  }
  if (allZero(bytes.slice(0, 8)) && word(8) === 0xffff && word(10) === 0) {
    return [dottedOf(last4)];
  }
  if (allZero(bytes.slice(0, 12))) {
    return [dottedOf(last4)];
  }
  if (word(0) === 0x64 && word(2) === 0xff9b && allZero(bytes.slice(4, 12))) {
    return [dottedOf(last4)];
  }
  if (word(0) === 0x64 && word(2) === 0xff9b && word(4) === 1) {
    return RFC6052_POSITIONS.map((positions) => dottedOf(positions.map((i) => bytes[i]!)));
  }
  if (word(0) === 0x2002) {
    return [dottedOf(bytes.slice(2, 6))];
  }
  if (word(0) === 0x2001 && word(2) === 0) {
    return [dottedOf(bytes.slice(4, 8)), dottedOf(last4.map((b) => b ^ 0xff))];
  }
  return [];
}
