/** The number of hash slots of a Redis Cluster. */
export const CLUSTER_SLOTS = 16384;

/** CRC16/XMODEM (polynomial 0x1021, initial 0), the checksum Redis Cluster hashes keys with. */
function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc;
}

/**
 * The slot Redis Cluster gives `key` (what `CLUSTER KEYSLOT` answers): the CRC16 of the hash
 * tag, the part between the first `{` and the next `}` when that part is not empty, else of
 * the whole key, modulo {@link CLUSTER_SLOTS}.
 */
export function keySlot(key: string): number {
  const open = key.indexOf('{');
  if (open !== -1) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) {
      key = key.slice(open + 1, close);
    }
  }
  return crc16(Buffer.from(key, 'utf8')) % CLUSTER_SLOTS;
}
