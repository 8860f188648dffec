import { randomInt } from 'node:crypto';
import { encryptMessage } from '../events/message-crypto';
import { wechatSignature } from '../events/signature';
import type { SandboxComponent } from './component-platform';

/** The fields of one authorization-event push besides `AppId` and `CreateTime`. */
export type ComponentInfo = Record<string, string | number>;

const cdata = (text: string) => `<![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;

function xml(fields: Record<string, string | number>): string {
  const inner = Object.entries(fields)
    .map(([k, v]) => `<${k}>${typeof v === 'string' ? cdata(v) : String(v)}</${k}>`)
    .join('');
  return `<xml>${inner}</xml>`;
}

/** Builds the signed, safe-mode encrypted push WeChat sends to the authorization event URL. */
export function componentPush(
  component: SandboxComponent,
  fields: ComponentInfo,
  nowMs: number,
): { url: string; body: string } {
  const createTime = Math.floor(nowMs / 1000);
  const plain = xml({ AppId: component.componentAppId, CreateTime: createTime, ...fields });
  const encrypt = encryptMessage(plain, component.encodingAesKey, component.componentAppId);
  const timestamp = String(createTime);
  const nonce = String(randomInt(100_000_000, 999_999_999));
  const url = new URL(component.authEventUrl ?? 'http://127.0.0.1/');
  url.searchParams.set('signature', wechatSignature(component.token, timestamp, nonce));
  url.searchParams.set('timestamp', timestamp);
  url.searchParams.set('nonce', nonce);
  url.searchParams.set('encrypt_type', 'aes');
  url.searchParams.set(
    'msg_signature',
    wechatSignature(component.token, timestamp, nonce, encrypt),
  );
  return {
    url: url.toString(),
    body: xml({ AppId: component.componentAppId, Encrypt: encrypt }),
  };
}

/**
 * POSTs one push and expects `success`, as WeChat does.
 * @throws Error when the receiver answers anything else
 */
export async function pushComponentEvent(
  component: SandboxComponent,
  fields: ComponentInfo,
  nowMs: number,
): Promise<void> {
  const { url, body } = componentPush(component, fields, nowMs);
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
  const text = await res.text();
  if (res.status !== 200 || text !== 'success') {
    throw new Error(`authorization event URL answered ${res.status}: ${text.slice(0, 200)}`);
  }
}
