import type { TestApp } from '../../support/test-app';

type Layer = { route?: { path: string | string[]; methods: Record<string, boolean> } };

/** Every `METHOD /path` the app's Express router serves, read from the router itself. */
export function routesOf(t: TestApp): string[] {
  const stack = (t.app.getHttpAdapter().getInstance() as { router: { stack: Layer[] } }).router
    .stack;
  return stack.flatMap((layer) => {
    if (!layer.route) return [];
    const paths = [layer.route.path].flat();
    const methods = Object.keys(layer.route.methods).filter((m) => layer.route!.methods[m]);
    return paths.flatMap((path) => methods.map((m) => `${m.toUpperCase()} ${path}`));
  });
}
