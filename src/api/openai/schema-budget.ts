import { ApiInputError } from '../gemini/api-input.errors';

/**
 * How much `toGeminiSchema` may produce. Inlining `$ref`s can multiply a schema: `$defs` that
 * each refer to the next one twice double per level, so 2.5 KB of input became 8 million nodes
 * (149 s, 2.9 GB, 550 MB sent upstream). The limits sit far above real tool schemas (a large
 * MCP tool has a few hundred nodes, a dozen levels) and far below what hurts the gateway.
 */
export const SCHEMA_LIMITS = {
  /** Nodes (schema objects) one converted schema may have. */
  nodes: 10_000,
  /** Levels one converted schema may nest (each `properties`, `items` or `anyOf` step is one). */
  depth: 64,
  /** Nodes all converted schemas of one request may have together. */
  requestNodes: 50_000,
  /**
   * Characters of text (descriptions, enum values, property names) all converted schemas of one
   * request may carry: about a million tokens, Gemini's whole context window.
   */
  requestChars: 4_000_000,
} as const;

/**
 * What the schemas of one request may still produce; share one between all the conversions of a
 * request so many schemas cannot add up to what one may not.
 */
export class SchemaBudget {
  private nodes = 0;
  private chars = 0;

  /**
   * Checks a step `depth` levels down into the schema at `path`.
   *
   * @throws ApiInputError naming `path` and the limit, past it.
   */
  level(path: string, depth: number): void {
    if (depth > SCHEMA_LIMITS.depth) {
      const limit = SCHEMA_LIMITS.depth;
      throw new ApiInputError(
        `${path} nests deeper than ${limit} levels once $refs are inlined (limit ${limit})`,
      );
    }
  }

  /**
   * Counts one produced node of the schema at `path`, which has `schemaNodes` so far.
   *
   * @throws ApiInputError naming `path` and the limit passed.
   */
  node(path: string, schemaNodes: number): void {
    this.nodes++;
    if (schemaNodes > SCHEMA_LIMITS.nodes) {
      const limit = SCHEMA_LIMITS.nodes;
      throw new ApiInputError(
        `${path} expands to more than ${limit} schema nodes once $refs are inlined (limit ${limit})`,
      );
    }
    if (this.nodes > SCHEMA_LIMITS.requestNodes) {
      const limit = SCHEMA_LIMITS.requestNodes;
      throw new ApiInputError(
        `${path}: the schemas of this request expand to more than ${limit} nodes in all once ` +
          `$refs are inlined (limit ${limit})`,
      );
    }
  }

  /**
   * Counts `count` characters of text copied into the schema at `path`.
   *
   * @throws ApiInputError naming `path` and the limit passed.
   */
  text(path: string, count: number): void {
    this.chars += count;
    if (this.chars > SCHEMA_LIMITS.requestChars) {
      const limit = SCHEMA_LIMITS.requestChars;
      throw new ApiInputError(
        `${path}: the schemas of this request expand to more than ${limit} characters of text ` +
          `once $refs are inlined (limit ${limit})`,
      );
    }
  }
}
