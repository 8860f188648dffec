import type { IncomingMessage } from 'node:http';
import { bodyCutShortError, invalidJsonError } from './middleware/error-handler';

/** A JSON text body-parser's strict mode takes: an object or an array. */
const OBJECT_OR_ARRAY = /^[ \t\n\r]*[{[]/;

/**
 * Reads a UTF-8 request body whose length its Content-Length gave (and the caller checked) and
 * parses it as `express.json()` does with `strict`: an object or an array (a leading BOM
 * dropped), anything else a 400 `invalid_json`.
 * @throws AppError `invalid_json`, also when the caller goes away before the body's end
 */
export function readJsonBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The caller went away mid-body: Node errors the stream (ECONNRESET) and closes it.
    const cutShort = () => reject(bodyCutShortError());
    req.once('error', cutShort);
    req.once('close', () => {
      if (!req.complete) {
        cutShort();
      }
    });
    req.once('end', () => {
      const text = Buffer.concat(chunks)
        .toString('utf8')
        .replace(/^\uFEFF/, '');
      if (!OBJECT_OR_ARRAY.test(text)) {
        reject(invalidJsonError());
        return;
      }
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(invalidJsonError());
      }
    });
  });
}
