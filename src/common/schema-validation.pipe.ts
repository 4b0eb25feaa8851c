import { BadRequestException, StandardSchemaValidationPipe } from '@nestjs/common';

/** Keys that could reach an object's prototype; Nest would drop them without a word. */
const PROTO_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Validates every route parameter that carries a `schema`; a failure is one 400 whose message
 * names each offending parameter (`limit: must be at most 1000`). A body holding a key that could
 * reach a prototype is refused with 400 naming where, instead of being passed on with the key
 * silently removed (`{"config": {"__proto__": …}}` would otherwise save as "nothing to change").
 */
class GatewaySchemaPipe extends StandardSchemaValidationPipe {
  protected override stripProtoKeys(value: unknown): void {
    const path = protoKeyPath(value);
    if (path) throw new BadRequestException(`${path}: this key is not accepted`);
  }
}

/** The path of the first prototype key in `value` (`config.__proto__`), or null. */
function protoKeyPath(value: unknown): string | null {
  const visited = new WeakSet<object>();
  const stack: Array<{ node: unknown; path: string }> = [{ node: value, path: '' }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (node === null || typeof node !== 'object' || visited.has(node)) continue;
    visited.add(node);
    for (const [key, child] of Object.entries(node)) {
      const at = path ? `${path}.${key}` : key;
      if (PROTO_KEYS.has(key)) return at;
      stack.push({ node: child, path: at });
    }
  }
  return null;
}

export const schemaValidationPipe = new GatewaySchemaPipe({
  exceptionFactory: (issues) =>
    new BadRequestException(
      issues
        .slice(0, 5)
        .map((issue) => {
          const path = (issue.path ?? [])
            .map((part) => String(typeof part === 'object' ? part.key : part))
            .join('.');
          return path ? `${path}: ${issue.message}` : issue.message;
        })
        .join('; '),
    ),
});
