/**
 * The two functions of swagger-ui-express 5 this API uses (the package ships no types, and
 * `@types/swagger-ui-express` would be a dependency for two signatures).
 */
declare module 'swagger-ui-express' {
  import type { RequestHandler } from 'express';

  /** Serves `swagger-ui-init.js` for `document` and the swagger-ui-dist assets (local files). */
  export function serveFiles(document: object, options?: object): RequestHandler[];

  /** The HTML page rendering `document`. */
  export function setup(
    document: object,
    options?: object,
    swaggerOptions?: object,
    customCss?: string,
    customFavIcon?: string,
    swaggerUrl?: string,
    customSiteTitle?: string,
  ): RequestHandler;
}
