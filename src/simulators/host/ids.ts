/**
 * Request ids and similar: random-looking v4-shaped UUIDs made from a counter, so a run gives the
 * same ids every time (no crypto, no Math.random). `salt` keeps two kinds of ids apart.
 */
export function sequenceUuid(n: number, salt = 0): string {
  const a = mix32(n ^ salt);
  const b = mix32(a ^ 0x5bd1e995);
  const c = mix32(b + salt);
  const d = mix32(c ^ n);
  const h = hex8(a) + hex8(b) + hex8(c) + hex8(d);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${VARIANT[d & 3]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const VARIANT = ["8", "9", "a", "b"];

/** Eight lower-case hex digits of a 32-bit integer. */
export const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, "0");

/** A 32-bit integer hash (murmur3's finaliser): a bijection, so distinct counters give distinct ids. */
export function mix32(x: number): number {
  let h = x | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}
