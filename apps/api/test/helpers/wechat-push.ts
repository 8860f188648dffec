import { createCipheriv, createHash, randomBytes } from 'node:crypto';

/** WeChat's push signature: sha1 of the sorted parts. */
export function sign(...parts: string[]): string {
  return createHash('sha1').update(parts.sort().join('')).digest('hex');
}

/** Safe-mode `Encrypt` of `message` for `appId`, as WeChat builds it. */
export function encrypt(message: string, encodingAESKey: string, appId: string): string {
  const key = Buffer.from(`${encodingAESKey}=`, 'base64');
  const msg = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(msg.length, 0);
  const plain = Buffer.concat([randomBytes(16), length, msg, Buffer.from(appId, 'utf8')]);
  const pad = 32 - (plain.length % 32);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([
    cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])),
    cipher.final(),
  ]).toString('base64');
}

/** A TEMPLATESENDJOBFINISH push body. */
export function templateFinishXml(
  openid: string,
  createTime: number,
  msgId: string,
  status: string,
): string {
  return `<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[${openid}]]></FromUserName><CreateTime>${createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>${msgId}</MsgID><Status><![CDATA[${status}]]></Status></xml>`;
}

/** The query of a signed push at `nowS`. */
export function pushQuery(
  token: string,
  nowS: number,
  extra: Record<string, string> = {},
): Record<string, string> {
  const timestamp = String(nowS);
  const nonce = String(100000 + Math.floor(Math.random() * 900000));
  return { signature: sign(token, timestamp, nonce), timestamp, nonce, ...extra };
}
