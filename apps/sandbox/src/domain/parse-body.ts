/** A request body parsed as JSON, or the reason it could not be. */
export type ParsedBody = { ok: true; value: unknown } | { ok: false };

/**
 * Parses a raw body as JSON whatever its Content-Type, as WeChat does (clients send JSON with
 * `text/plain` or no type at all and WeChat accepts it).
 */
export function parseBody(raw: unknown): ParsedBody {
  if (typeof raw !== 'string' || raw.trim() === '') {
    return { ok: false };
  }
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch {
    return { ok: false };
  }
}

/** True for a plain JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `body[key]` when it is a string, else undefined. */
export function stringField(body: unknown, key: string): string | undefined {
  if (!isRecord(body)) {
    return undefined;
  }
  const v = body[key];
  return typeof v === 'string' ? v : undefined;
}
