/** The CRC-32 (IEEE) table, built once. */
const CRC32_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) {
    c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return c >>> 0;
});

/** CRC-32 (IEEE 802.3, as zlib computes it) of a UTF-8 string. */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc = CRC32_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * The shard of an app: CRC-32 of its appId modulo the shard count. A pure function of the two,
 * so every process agrees without a lookup, and an app's keys never move while `SEND_SHARDS`
 * stays the same (which the recorded shard count enforces).
 */
export function shardOfApp(appId: string, count: number): number {
  return count <= 1 ? 0 : crc32(appId) % count;
}
