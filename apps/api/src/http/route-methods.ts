/** One routed path and the methods it answers. */
export interface RouteMethods {
  /** Matches the path as Express does: case-insensitive, an optional trailing slash. */
  pattern: RegExp;
  /** Path parameters (or a wildcard) in it: the fewer, the more specific. */
  looseness: number;
  /** Upper-case methods, HEAD with GET and OPTIONS included, sorted. */
  allow: readonly string[];
  /** The route as metrics and logs name it: `/v1/messages/:id`, `/docs/*`. */
  template: string;
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
/** The looseness of a subtree: less specific than any path with parameters. */
const SUBTREE = 100;

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every method a route answers, given the ones it is routed for. */
function allowOf(methods: Iterable<string>): string[] {
  const allow = new Set([...methods].map((method) => method.toUpperCase()));
  if (allow.has('GET')) {
    allow.add('HEAD');
  }
  allow.add('OPTIONS');
  return [...allow].sort();
}

/** `/v1/messages/{id}` (an OpenAPI path) → its matcher. */
function routeOf(path: string, methods: Iterable<string>): RouteMethods {
  const segments = path.split(/(\{[^}]+\})/);
  const source = segments
    .map((segment) => (/^\{[^}]+\}$/.test(segment) ? '[^/]+' : escapeRegExp(segment)))
    .join('');
  return {
    pattern: new RegExp(`^${source}/?$`, 'i'),
    looseness: segments.filter((segment) => segment.startsWith('{')).length,
    allow: allowOf(methods),
    template: path.replace(/\{([^}]+)\}/g, ':$1'),
  };
}

/** Every path under `prefix` (a library's pages and assets), answering `methods`. */
export function subtreeRoute(prefix: string, methods: readonly string[]): RouteMethods {
  return {
    pattern: new RegExp(`^${escapeRegExp(prefix)}/.*$`, 'i'),
    looseness: SUBTREE,
    allow: allowOf(methods),
    template: `${prefix}/*`,
  };
}

/**
 * The routes of an OpenAPI document's `paths`, each with the methods it answers: the table the
 * API answers 405 and OPTIONS from, so it cannot drift from what is routed (the OpenAPI test
 * walks the router and compares it with the document).
 */
export function routesOfPaths(paths: Record<string, object | undefined>): RouteMethods[] {
  return Object.entries(paths).map(([path, item]) =>
    routeOf(
      path,
      Object.keys(item ?? {}).filter((key) => HTTP_METHODS.has(key)),
    ),
  );
}

/**
 * The methods `path` answers: those of the most specific route matching it (so
 * `/v1/messages/batch` is the batch route, not `/v1/messages/{id}`), or undefined when no
 * route matches (a 404).
 */
export function allowedMethods(
  routes: readonly RouteMethods[],
  path: string,
): readonly string[] | undefined {
  return routeOfPath(routes, path)?.allow;
}

/** The most specific route matching `path`, or undefined. */
export function routeOfPath(
  routes: readonly RouteMethods[],
  path: string,
): RouteMethods | undefined {
  let best: RouteMethods | undefined;
  for (const route of routes) {
    if (route.pattern.test(path) && (best === undefined || route.looseness < best.looseness)) {
      best = route;
    }
  }
  return best;
}
