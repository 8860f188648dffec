import { stringify } from 'lossless-json';

/** A value in a pushed event: text goes in CDATA, numbers (msgids as bigint) are written bare. */
export type EventValue = string | number | bigint;

/**
 * One event as WeChat pushes it, before serialisation. Subscribe events carry their item under
 * a wrapper (`SubscribeMsgSentEvent` → `List`).
 */
export interface PushEvent {
  ToUserName: string;
  FromUserName: string;
  CreateTime: number;
  MsgType: 'event';
  Event: string;
  /** Top-level extra fields (`MsgID`, `Status` for TEMPLATESENDJOBFINISH). */
  fields?: Record<string, EventValue>;
  /** Wrapper element and its single `List` item, for subscribe events. */
  list?: { wrapper: string; item: Record<string, EventValue> };
}

function cdata(text: string): string {
  // `]]>` cannot appear inside CDATA: split it across two sections.
  return `<![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

function xmlFields(fields: Record<string, EventValue>): string {
  return Object.entries(fields)
    .map(([k, v]) => `<${k}>${typeof v === 'string' ? cdata(v) : String(v)}</${k}>`)
    .join('');
}

/** Serialises an event as WeChat's XML push body. */
export function eventToXml(e: PushEvent): string {
  const head = xmlFields({
    ToUserName: e.ToUserName,
    FromUserName: e.FromUserName,
    CreateTime: e.CreateTime,
    MsgType: e.MsgType,
    Event: e.Event,
    ...e.fields,
  });
  const list = e.list
    ? `<${e.list.wrapper}><List>${xmlFields(e.list.item)}</List></${e.list.wrapper}>`
    : '';
  return `<xml>${head}${list}</xml>`;
}

/**
 * Serialises an event as the JSON push format mini programs may choose. A single `List` item
 * is an object, not a one-element array, exactly as WeChat sends it.
 */
export function eventToJson(e: PushEvent): string {
  const { list, fields, ...head } = e;
  return stringify({ ...head, ...fields, ...(list ? { List: list.item } : {}) }) ?? '{}';
}

/** The safe-mode envelope around an encrypted event. */
export function envelope(format: 'xml' | 'json', toUserName: string, encrypt: string): string {
  return format === 'xml'
    ? `<xml>${xmlFields({ ToUserName: toUserName, Encrypt: encrypt })}</xml>`
    : JSON.stringify({ ToUserName: toUserName, Encrypt: encrypt });
}

/** Compatible mode: the plaintext event with `Encrypt` added. */
export function compatBody(format: 'xml' | 'json', plain: string, encrypt: string): string {
  if (format === 'xml') {
    return plain.replace(/<\/xml>$/, `${xmlFields({ Encrypt: encrypt })}</xml>`);
  }
  return plain.replace(/\}$/, `,${JSON.stringify('Encrypt')}:${JSON.stringify(encrypt)}}`);
}
