import { isRecord } from '../gemini/json-object';
import { SchemaBudget } from './schema-budget';

type Schema = Record<string, unknown>;

/** Options of {@link toGeminiSchema}. */
export interface GeminiSchemaOptions {
  /** Where the schema is in the request, named in limit errors. Default `schema`. */
  path?: string;
  /** The budget of the whole request, shared by all its schemas. Default: a fresh one. */
  budget?: SchemaBudget;
}

/** One run of {@link toGeminiSchema}: the schema `$ref`s point into, and what it produced. */
interface Conversion {
  root: Schema;
  path: string;
  budget: SchemaBudget;
  nodes: number;
}

/** Number keywords Gemini's OpenAPI-subset `Schema` understands, copied when they are numbers. */
const BOUNDS = ['minimum', 'maximum', 'minItems', 'maxItems'];
/** `format` values Gemini accepts, per type; any other format is dropped. */
const FORMATS: Record<string, string[]> = {
  string: ['enum', 'date-time'],
  number: ['float', 'double'],
  integer: ['int32', 'int64'],
};

/**
 * A JSON Schema (from OpenAI `tools[].function.parameters` or `response_format.json_schema`) in
 * the subset Gemini accepts: type, format, description, nullable, enum, properties, required,
 * items, anyOf and numeric bounds. Along the way:
 * - local `$ref`s (`#/definitions/…`, `#/$defs/…`) are inlined; a recursive one becomes `{type:
 *   "object"}`; `allOf` members are merged, `oneOf` is read as `anyOf`;
 * - `type: [t, "null"]`, a `null` type and a `{type: "null"}` alternative become `nullable: true`;
 * - `const` becomes a one-value `enum`; a non-string `enum` (Gemini allows only strings) is dropped
 *   and its values are listed in the description;
 * - `required` keeps only declared properties, and an empty `properties` is omitted;
 * - everything else (`$schema`, `additionalProperties`, `default`, `examples`, `title`, …) is dropped.
 *
 * What it produces is held to `SCHEMA_LIMITS` (nodes, depth, text), counted against
 * `options.budget`; each `$ref` followed and each `allOf` merged counts as a level, so the
 * recursion stays bounded whatever the input.
 *
 * @throws ApiInputError naming `options.path` and the limit, as soon as one is passed.
 */
export function toGeminiSchema(schema: unknown, options: GeminiSchemaOptions = {}): Schema {
  const root = isRecord(schema) ? schema : {};
  const budget = options.budget ?? new SchemaBudget();
  return clean(root, { root, path: options.path ?? 'schema', budget, nodes: 0 }, new Set(), 1);
}

function clean(node: unknown, run: Conversion, refs: Set<string>, depth: number): Schema {
  if (!isRecord(node)) return {};
  run.budget.level(run.path, depth);
  const { root } = run;
  const ref = typeof node.$ref === 'string' ? node.$ref : undefined;
  if (ref !== undefined) {
    const target = resolve(ref, root);
    if (!target || refs.has(ref)) {
      run.budget.node(run.path, ++run.nodes);
      return describe({ type: 'object' }, node.description, run);
    }
    return clean({ ...target, ...withoutRef(node) }, run, new Set(refs).add(ref), depth + 1);
  }
  if (Array.isArray(node.allOf)) {
    const seen = new Set(refs);
    return clean(mergeAllOf(node, root, seen), run, seen, depth + 1);
  }
  run.budget.node(run.path, ++run.nodes);
  const out: Schema = {};
  let nullable = node.nullable === true;
  const types = (Array.isArray(node.type) ? node.type : [node.type]).filter(
    (type): type is string => typeof type === 'string',
  );
  if (types.includes('null')) nullable = true;
  const nonNull = types.filter((type) => type !== 'null');
  if (nonNull.length === 1) out.type = nonNull[0];
  const variants = nonNull.length > 1 ? nonNull.map((type) => ({ type })) : undefined;
  const alternatives = (variants ?? node.anyOf ?? node.oneOf) as unknown;
  if (Array.isArray(alternatives)) {
    const isNull = (schema: unknown) => isRecord(schema) && schema.type === 'null';
    const kept = alternatives
      .filter((schema) => !isNull(schema))
      .map((schema) => clean(schema, run, refs, depth + 1));
    if (kept.length < alternatives.length) nullable = true;
    if (kept.length === 1) Object.assign(out, kept[0]);
    else if (kept.length > 1) out.anyOf = kept;
  }
  if (typeof node.description === 'string') out.description = node.description;
  copyEnum(node, out, run);
  if (typeof out.description === 'string') run.budget.text(run.path, out.description.length);
  const format = typeof node.format === 'string' ? node.format : undefined;
  if (format && FORMATS[String(out.type)]?.includes(format)) out.format = format;
  if (isRecord(node.properties)) copyProperties(node, out, run, refs, depth + 1);
  const items = Array.isArray(node.items) ? node.items[0] : node.items;
  if (isRecord(items)) out.items = clean(items, run, refs, depth + 1);
  for (const key of BOUNDS) if (typeof node[key] === 'number') out[key] = node[key];
  if (out.type === undefined && !out.anyOf) {
    if (out.properties) out.type = 'object';
    else if (out.items) out.type = 'array';
  }
  if (nullable) out.nullable = true;
  return out;
}

function copyProperties(
  node: Schema,
  out: Schema,
  run: Conversion,
  refs: Set<string>,
  depth: number,
): void {
  const entries = Object.entries(node.properties as Schema);
  if (entries.length === 0) return;
  // Names are repeated in `required`: counted twice, as they are sent.
  run.budget.text(run.path, 2 * entries.reduce((sum, [key]) => sum + key.length, 0));
  out.properties = Object.fromEntries(entries.map(([k, v]) => [k, clean(v, run, refs, depth)]));
  const declared = new Set(entries.map(([key]) => key));
  const required = Array.isArray(node.required)
    ? node.required.filter((key): key is string => typeof key === 'string' && declared.has(key))
    : [];
  if (required.length) out.required = required;
}

function copyEnum(node: Schema, out: Schema, run: Conversion): void {
  const values = Array.isArray(node.enum) ? node.enum : 'const' in node ? [node.const] : undefined;
  if (!values?.length) return;
  if (values.every((value) => typeof value === 'string')) {
    out.enum = values;
    run.budget.text(
      run.path,
      values.reduce((sum: number, value: string) => sum + value.length, 0),
    );
  } else {
    const listed = `Allowed values: ${values.map((value) => JSON.stringify(value)).join(', ')}.`;
    out.description = out.description ? `${String(out.description)} ${listed}` : listed;
  }
}

/** One schema from `allOf` and its siblings; `refs` collects the `$ref`s resolved on the way. */
function mergeAllOf(node: Schema, root: Schema, refs: Set<string>): Schema {
  const { allOf, ...rest } = node;
  const merged: Schema = {};
  const properties: Schema = {};
  const required: unknown[] = [];
  for (let member of [...(allOf as unknown[]), rest]) {
    if (isRecord(member) && typeof member.$ref === 'string') {
      const target = refs.has(member.$ref) ? undefined : resolve(member.$ref, root);
      refs.add(member.$ref);
      member = { ...target, ...withoutRef(member) };
    }
    if (!isRecord(member)) continue;
    Object.assign(merged, member);
    if (isRecord(member.properties)) Object.assign(properties, member.properties);
    // A loop, not push(...): a long list would overflow the stack as call arguments.
    if (Array.isArray(member.required)) for (const key of member.required) required.push(key);
  }
  if (Object.keys(properties).length) merged.properties = properties;
  if (required.length) merged.required = [...new Set(required)];
  return merged;
}

function resolve(ref: string, root: Schema): Schema | undefined {
  if (ref === '#') return root;
  const match = /^#\/(definitions|\$defs)\/(.+)$/.exec(ref);
  const defs = match ? root[match[1]] : undefined;
  const target = isRecord(defs) ? defs[decodeURIComponent(match![2])] : undefined;
  return isRecord(target) ? target : undefined;
}

function describe(schema: Schema, description: unknown, run: Conversion): Schema {
  if (typeof description !== 'string') return schema;
  run.budget.text(run.path, description.length);
  return { ...schema, description };
}

function withoutRef(schema: Schema): Schema {
  const rest = { ...schema };
  delete rest.$ref;
  return rest;
}
