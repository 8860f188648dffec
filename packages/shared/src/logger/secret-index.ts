/**
 * Length of the prefix {@link SecretIndex} files long secrets under, and the shortest value
 * matched anywhere inside a string. Shorter configured secrets are matched as whole tokens only.
 */
export const PREFIX_LENGTH = 6;

/** What separates tokens for whole-token matching of short secrets: spaces and punctuation. */
const TOKEN = /[^\s"'`&=,;:/?#[\]{}()<>|\\]+/g;

/** A span of a string to mask. */
interface Span {
  start: number;
  end: number;
}

/**
 * A set of secret values that finds them inside a string in time proportional to the string,
 * not to the number of secrets: long values are filed under their first {@link PREFIX_LENGTH}
 * characters, so a scan costs one map probe per position plus a comparison per candidate;
 * short values sit in a set and are matched against whole tokens.
 */
export class SecretIndex {
  private readonly byPrefix = new Map<string, string[]>();
  private readonly short = new Set<string>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  has(value: string): boolean {
    if (value.length < PREFIX_LENGTH) {
      return this.short.has(value);
    }
    return this.byPrefix.get(value.slice(0, PREFIX_LENGTH))?.includes(value) ?? false;
  }

  add(value: string): void {
    if (value.length === 0 || this.has(value)) {
      return;
    }
    this.count += 1;
    if (value.length < PREFIX_LENGTH) {
      this.short.add(value);
      return;
    }
    const prefix = value.slice(0, PREFIX_LENGTH);
    const bucket = this.byPrefix.get(prefix);
    if (bucket === undefined) {
      this.byPrefix.set(prefix, [value]);
      return;
    }
    // Longest first, so a secret that extends another is masked whole. Inserted in place: many
    // secrets may share a prefix (`secret-0001`, `secret-0002`, …), and sorting the bucket on
    // every add made registering n of them allocate in proportion to n².
    const at = bucket.findIndex((other) => other.length < value.length);
    bucket.splice(at === -1 ? bucket.length : at, 0, value);
  }

  delete(value: string): void {
    if (!this.has(value)) {
      return;
    }
    this.count -= 1;
    if (value.length < PREFIX_LENGTH) {
      this.short.delete(value);
      return;
    }
    const prefix = value.slice(0, PREFIX_LENGTH);
    const bucket = this.byPrefix.get(prefix)!.filter((v) => v !== value);
    if (bucket.length === 0) {
      this.byPrefix.delete(prefix);
    } else {
      this.byPrefix.set(prefix, bucket);
    }
  }

  /** The spans of `input` holding a secret of this index (unordered, may overlap). */
  spans(input: string, into: Span[] = []): Span[] {
    if (this.byPrefix.size > 0) {
      for (let i = 0; i + PREFIX_LENGTH <= input.length; i += 1) {
        const bucket = this.byPrefix.get(input.slice(i, i + PREFIX_LENGTH));
        const hit = bucket?.find((secret) => input.startsWith(secret, i));
        if (hit !== undefined) {
          into.push({ start: i, end: i + hit.length });
        }
      }
    }
    if (this.short.size > 0) {
      for (const match of input.matchAll(TOKEN)) {
        if (this.short.has(match[0])) {
          into.push({ start: match.index, end: match.index + match[0].length });
        }
      }
    }
    return into;
  }
}

/** `input` with every span replaced by `mask` (overlapping spans merged). */
export function maskSpans(input: string, spans: Span[], mask: string): string {
  if (spans.length === 0) {
    return input;
  }
  spans.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  let open: Span | undefined;
  for (const span of spans) {
    if (open && span.start < open.end) {
      open.end = Math.max(open.end, span.end);
      continue;
    }
    if (open) {
      out += input.slice(at, open.start) + mask;
      at = open.end;
    }
    open = { ...span };
  }
  out += input.slice(at, open!.start) + mask + input.slice(open!.end);
  return out;
}
