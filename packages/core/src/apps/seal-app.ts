import type { AppInput, SecretField, StoredApp } from './app-record';
import { secretContext } from './app-record';
import type { SecretBox } from './secret-box';

/** The stored fields an operator's input gives: settings as they are, secrets sealed. */
export function sealApp(
  box: SecretBox,
  appId: string,
  input: AppInput,
): Pick<
  StoredApp,
  | 'kind'
  | 'tokenMode'
  | 'ratePerSec'
  | 'consentExempt'
  | 'appSecret'
  | 'eventToken'
  | 'encodingAesKey'
> {
  const seal = (field: SecretField, value: string | undefined) =>
    value === undefined ? undefined : box.seal(value, secretContext(appId, field));
  return {
    kind: input.kind,
    tokenMode: input.tokenMode,
    ratePerSec: input.ratePerSec,
    consentExempt: input.consentExempt,
    appSecret: seal('appSecret', input.appSecret)!,
    eventToken: seal('eventToken', input.eventToken),
    encodingAesKey: seal('encodingAesKey', input.encodingAesKey),
  };
}

/** The app with every secret opened and sealed again under the current key. */
export function resealApp(box: SecretBox, app: StoredApp): StoredApp {
  const again = (field: SecretField, sealed: string | undefined) => {
    if (sealed === undefined || box.isCurrent(sealed)) {
      return sealed;
    }
    const context = secretContext(app.appId, field);
    return box.seal(box.open(sealed, context), context);
  };
  return {
    ...app,
    appSecret: again('appSecret', app.appSecret),
    eventToken: again('eventToken', app.eventToken),
    encodingAesKey: again('encodingAesKey', app.encodingAesKey),
  };
}

/** Whether the stored app's secret is `appSecret` (false when it cannot be opened). */
export function sameSecret(box: SecretBox, app: StoredApp, appSecret: string): boolean {
  if (app.appSecret === undefined) {
    return false;
  }
  try {
    return box.open(app.appSecret, secretContext(app.appId, 'appSecret')) === appSecret;
  } catch {
    return false;
  }
}

/** The app's secrets in the clear. @throws SecretBoxError when one cannot be opened */
export function openApp(
  box: SecretBox,
  app: StoredApp,
): { appSecret?: string; eventToken?: string; encodingAesKey?: string } {
  const open = (field: SecretField, sealed: string | undefined) =>
    sealed === undefined ? undefined : box.open(sealed, secretContext(app.appId, field));
  return {
    appSecret: open('appSecret', app.appSecret),
    eventToken: open('eventToken', app.eventToken),
    encodingAesKey: open('encodingAesKey', app.encodingAesKey),
  };
}
