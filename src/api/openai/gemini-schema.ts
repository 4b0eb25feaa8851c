import { isRecord } from '../gemini/json-object';

type Schema = Record<string, unknown>;

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
 */
export function toGeminiSchema(schema: unknown): Schema {
  const root = isRecord(schema) ? schema : {};
  return clean(root, root, new Set());
}

function clean(node: unknown, root: Schema, refs: Set<string>): Schema {
  if (!isRecord(node)) return {};
  const ref = typeof node.$ref === 'string' ? node.$ref : undefined;
  if (ref !== undefined) {
    const target = resolve(ref, root);
    if (!target || refs.has(ref)) return describe({ type: 'object' }, node.description);
    return clean({ ...target, ...withoutRef(node) }, root, new Set(refs).add(ref));
  }
  if (Array.isArray(node.allOf)) {
    const seen = new Set(refs);
    return clean(mergeAllOf(node, root, seen), root, seen);
  }
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
      .map((schema) => clean(schema, root, refs));
    if (kept.length < alternatives.length) nullable = true;
    if (kept.length === 1) Object.assign(out, kept[0]);
    else if (kept.length > 1) out.anyOf = kept;
  }
  if (typeof node.description === 'string') out.description = node.description;
  copyEnum(node, out);
  const format = typeof node.format === 'string' ? node.format : undefined;
  if (format && FORMATS[String(out.type)]?.includes(format)) out.format = format;
  if (isRecord(node.properties)) copyProperties(node, out, root, refs);
  const items = Array.isArray(node.items) ? node.items[0] : node.items;
  if (isRecord(items)) out.items = clean(items, root, refs);
  for (const key of BOUNDS) if (typeof node[key] === 'number') out[key] = node[key];
  if (out.type === undefined && !out.anyOf) {
    if (out.properties) out.type = 'object';
    else if (out.items) out.type = 'array';
  }
  if (nullable) out.nullable = true;
  return out;
}

function copyProperties(node: Schema, out: Schema, root: Schema, refs: Set<string>): void {
  const entries = Object.entries(node.properties as Schema);
  if (entries.length === 0) return;
  out.properties = Object.fromEntries(entries.map(([k, v]) => [k, clean(v, root, refs)]));
  const declared = new Set(entries.map(([key]) => key));
  const required = Array.isArray(node.required)
    ? node.required.filter((key): key is string => typeof key === 'string' && declared.has(key))
    : [];
  if (required.length) out.required = required;
}

function copyEnum(node: Schema, out: Schema): void {
  const values = Array.isArray(node.enum) ? node.enum : 'const' in node ? [node.const] : undefined;
  if (!values?.length) return;
  if (values.every((value) => typeof value === 'string')) out.enum = values;
  else {
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
    if (Array.isArray(member.required)) required.push(...member.required);
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

function describe(schema: Schema, description: unknown): Schema {
  return typeof description === 'string' ? { ...schema, description } : schema;
}

function withoutRef(schema: Schema): Schema {
  const rest = { ...schema };
  delete rest.$ref;
  return rest;
}
