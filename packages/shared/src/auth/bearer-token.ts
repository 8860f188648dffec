import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Whether two secrets are equal, in constant time whatever their lengths: both are compared as
 * SHA-256 digests, so timing reveals neither the length nor how much of the secret matched.
 */
export function sameSecret(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/** The token of an `Authorization: Bearer <token>` header, if it has one. */
export function bearerTokenOf(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
}

/**
 * Whether an `Authorization` header carries `Bearer <token>` (Prometheus' `authorization`
 * scrape setting sends exactly that), compared in constant time.
 */
export function carriesBearerToken(authorization: string | undefined, token: string): boolean {
  return sameSecret(bearerTokenOf(authorization) ?? '', token);
}
