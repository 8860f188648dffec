'use strict';

/**
 * Runs `once(variant, round)` for ours and the baseline alternately — A B A B … — for
 * `rounds` rounds, printing one line per run with `describe(result)`. Returns every result:
 * `{ ours: [...], bare: [...] }`.
 */
async function alternate({ label, rounds, variants, once, describe }) {
  const results = { ours: [], bare: [] };
  for (let round = 1; round <= rounds; round += 1) {
    for (const [side, variant] of Object.entries(variants)) {
      const result = await once(variant, round);
      results[side].push(result);
      console.log(`  ${label} round ${round} ${side.padEnd(4)} ${describe(result)}`);
    }
  }
  return results;
}

module.exports = { alternate };
