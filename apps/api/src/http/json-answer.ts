import type { ServerResponse } from 'node:http';

/**
 * Ends `res` with `body` as JSON: the bytes, headers and status Express's `res.status().json()`
 * writes (no ETag: the app turns them off), on a plain Node response too — the send fast path
 * has no Express response.
 */
export function answerJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
