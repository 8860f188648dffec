export { readLua } from './lua-source';
export { luaScript, type ScriptDef } from './script-def';
export { bindScript, type BoundScript, type ScriptArg } from './bind-script';
export { bindPerTurn, perTurnDef, type PerTurnScript } from './per-turn-script';
