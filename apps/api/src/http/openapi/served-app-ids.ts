import type { OpenApiDocument } from './openapi-document';

/** The message components whose `appId` names one of the deployment's apps. */
const MESSAGE_COMPONENTS = ['TemplateMessage', 'SubscribeMessage', 'BizsendMessage'];

interface PropertySchema {
  enum?: string[];
  description?: string;
}

/**
 * The document as served: `appId` of a message lists the apps that are enabled right now (an
 * unknown app is 400, a disabled one 409), so a client generated from it and a fuzzer reading
 * it know the values the API accepts. The registry changes at run time; so does this list.
 */
export function withAppIds(document: OpenApiDocument, appIds: readonly string[]): OpenApiDocument {
  const served = structuredClone(document);
  const schemas = (served.components?.schemas ?? {}) as Record<
    string,
    { properties?: Record<string, PropertySchema> }
  >;
  for (const name of MESSAGE_COMPONENTS) {
    const appId = schemas[name]?.properties?.appId;
    if (appId && appIds.length > 0) {
      appId.enum = [...appIds];
      appId.description =
        'One of the enabled apps of this deployment when the document was served (the app registry may change it); optional when the caller can use only one.';
    }
  }
  return served;
}
