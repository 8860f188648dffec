import { parse as parseLosslessJson } from 'lossless-json';
import { wechatEventSchema, type WeChatEvent } from '@wechat-dispatch/core';

/** An XML element of a push: WeChat's bodies have no attributes, only elements and text. */
interface XmlNode {
  name: string;
  text: string;
  children: XmlNode[];
}

const TOKEN =
  /<!\[CDATA\[([\s\S]*?)\]\]>|<\/([A-Za-z_][\w.-]*)\s*>|<([A-Za-z_][\w.-]*)\s*>|<\?[\s\S]*?\?>|([^<]+)|(<)/g;

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * A deliberately small XML reader for WeChat's push format: elements, text and CDATA only.
 * DOCTYPEs, attributes and anything else are refused, so there is no entity expansion (XXE).
 * @throws Error on anything it does not understand
 */
export function parseXml(source: string): XmlNode {
  const root: XmlNode = { name: '#root', text: '', children: [] };
  const stack: XmlNode[] = [root];
  for (const match of source.matchAll(TOKEN)) {
    const [, cdata, close, open, text, stray] = match;
    const top = stack[stack.length - 1]!;
    if (stray !== undefined) {
      throw new Error('unsupported XML');
    } else if (cdata !== undefined) {
      top.text += cdata;
    } else if (open !== undefined) {
      const node: XmlNode = { name: open, text: '', children: [] };
      top.children.push(node);
      stack.push(node);
    } else if (close !== undefined) {
      if (top.name !== close || stack.length === 1) {
        throw new Error('mismatched XML tag');
      }
      stack.pop();
    } else if (text !== undefined) {
      top.text += text.replace(/&(lt|gt|amp|quot|apos);/g, (_m, e: string) => ENTITIES[e]!);
    }
  }
  if (stack.length !== 1 || root.children.length !== 1) {
    throw new Error('unbalanced XML');
  }
  return root.children[0]!;
}

function xmlToObject(xml: XmlNode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const child of xml.children) {
    const wrapsList = child.children.some((c) => c.name === 'List');
    if (wrapsList) {
      // SubscribeMsgPopupEvent / SubscribeMsgChangeEvent / SubscribeMsgSentEvent → List items.
      out.List = child.children.filter((c) => c.name === 'List').map(xmlToObject);
    } else {
      out[child.name] = child.text.trim();
    }
  }
  return out;
}

/** JSON with every number kept as its source text: MsgID is a 64-bit integer. */
function parseJson(source: string): Record<string, unknown> {
  const value = parseLosslessJson(source, null, (digits: string) => digits);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('not a JSON object');
  }
  return value as Record<string, unknown>;
}

function stringify(value: unknown): unknown {
  if (value === null || value === undefined) {
    return undefined;
  }
  if (typeof value === 'object') {
    return Array.isArray(value)
      ? value.map(stringify)
      : stringifyAll(value as Record<string, unknown>);
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function stringifyAll(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, stringify(v)]));
}

/** Reads the envelope or plaintext of a push body, XML or JSON, into flat string fields. */
export function readPushBody(body: string): Record<string, unknown> {
  const trimmed = body.trim();
  return trimmed.startsWith('{') ? parseJson(trimmed) : xmlToObject(parseXml(trimmed));
}

/**
 * A push body (plaintext, XML or JSON) as a {@link WeChatEvent}. In JSON a one-item `List`
 * arrives as an object (wechat-facts §7.3); it becomes a one-element array here.
 * @throws Error when it is not a WeChat event
 */
export function parseWeChatEvent(body: string): WeChatEvent {
  const fields = stringifyAll(readPushBody(body));
  const list = fields.List;
  fields.List = list === undefined ? [] : Array.isArray(list) ? list : [list];
  return wechatEventSchema.parse(fields);
}
