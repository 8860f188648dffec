import { Router } from 'express';
import { serveFiles, setup } from 'swagger-ui-express';
import type { AppDirectory } from '@wechat-dispatch/core';
import type { OpenApiDocument } from '../openapi/openapi-document';
import { withAppIds } from '../openapi/served-app-ids';

/**
 * `GET /openapi.json` (with the enabled apps as `appId` values) and `GET /docs` (Swagger UI). The UI's scripts and styles come from the
 * installed swagger-ui-dist package, so the page works without internet access.
 */
export function docsRoutes(document: OpenApiDocument, apps?: AppDirectory): Router {
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    const enabled = (apps?.list() ?? []).filter((app) => app.enabled).map((app) => app.appId);
    res.json(withAppIds(document, enabled.sort()));
  });
  // The page loads its assets relatively (`./swagger-ui-bundle.js`): it must be served at
  // `/docs/`, not `/docs`, or the browser asks for `/swagger-ui-bundle.js`.
  router.get('/docs', (req, res, next) => {
    if (req.originalUrl.split('?')[0] === '/docs') {
      res.redirect(301, '/docs/');
      return;
    }
    next();
  });
  // validatorUrl null: Swagger UI would otherwise send the document to an online validator.
  const options = {
    customSiteTitle: 'wechat-dispatch API',
    swaggerOptions: { validatorUrl: null },
  };
  router.use('/docs', ...serveFiles(document, options), setup(document, options));
  return router;
}
