import { indexSentLua } from '../events/msgid-index';
import { TRANSITION_LUA } from './transition-script';

/**
 * The transition script followed, when it applied, by the msgid index of delivery events (#7):
 * the `sent` of a message and its msgid → message id entry are written together, in one round
 * trip instead of two, and a record can no longer say `sent` without its index entry.
 *
 * KEYS: record hash, msgid index, parked event.
 * ARGV: those of TRANSITION_LUA, then messageId, indexTtlSeconds (always the last two).
 * Returns TRANSITION_LUA's answer; on success a third element holds the JSON of a delivery
 * event that was parked for this msgid (and is now removed), when one was.
 */
export const INDEXED_TRANSITION_LUA = `
local function transition()
${TRANSITION_LUA}
end
local result = transition()
if result[1] ~= 1 then return result end
${indexSentLua('KEYS[2]', 'KEYS[3]', 'ARGV[#ARGV - 1]', 'ARGV[#ARGV]')}
return {1, result[2], parked}
`;
