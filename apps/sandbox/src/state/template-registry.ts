import type { SendApi } from '../types';

/** A template the sandbox knows: used for card titles and, optionally, to refuse unknown ids. */
export interface TemplateInfo {
  /** The template id. */
  template_id: string;
  /** Card title shown in the inbox, e.g. `订单发货通知`. */
  title: string;
  /** Restrict to one app; absent = every app. */
  appid?: string;
  /** Restrict to one API; absent = every API. */
  api?: SendApi;
  /** Labels of the data keys, e.g. `{ "thing1": "商品名称" }`, shown on the card. */
  fields?: Record<string, string>;
}

/** Templates by id. */
export class TemplateRegistry {
  private readonly templates = new Map<string, TemplateInfo>();

  /** Adds or replaces a template. */
  add(info: TemplateInfo): TemplateInfo {
    this.templates.set(info.template_id, structuredClone(info));
    return structuredClone(info);
  }

  /** The template usable by this app and API, if registered. */
  find(templateId: string, appid: string, api: SendApi): TemplateInfo | undefined {
    const t = this.templates.get(templateId);
    if (
      !t ||
      (t.appid !== undefined && t.appid !== appid) ||
      (t.api !== undefined && t.api !== api)
    ) {
      return undefined;
    }
    return t;
  }

  /** The template with this id, whatever its app. */
  get(templateId: string): TemplateInfo | undefined {
    return this.templates.get(templateId);
  }

  /** Every template. */
  list(): TemplateInfo[] {
    return [...this.templates.values()].map((t) => structuredClone(t));
  }

  /** Forgets every template. */
  clear(): void {
    this.templates.clear();
  }
}
