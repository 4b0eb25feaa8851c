import { ApiInputError } from '../gemini/api-input.errors';
import { toGeminiSchema } from './gemini-schema';
import { SCHEMA_LIMITS, SchemaBudget } from './schema-budget';

describe('toGeminiSchema', () => {
  it('drops the JSON-schema keywords Gemini rejects and keeps the ones it reads', () => {
    expect(
      toGeminiSchema({
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        title: 'Args',
        additionalProperties: false,
        properties: {
          city: { type: 'string', description: 'City', default: 'Paris', examples: ['Rome'] },
          unit: { type: 'string', enum: ['c', 'f'] },
          days: { type: 'integer', minimum: 1, maximum: 7, format: 'int32' },
          tags: { type: 'array', items: { type: 'string', format: 'hostname' }, maxItems: 3 },
          when: { type: 'string', format: 'date-time' },
        },
        required: ['city', 'ghost'],
      }),
    ).toEqual({
      type: 'object',
      properties: {
        city: { type: 'string', description: 'City' },
        unit: { type: 'string', enum: ['c', 'f'] },
        days: { type: 'integer', minimum: 1, maximum: 7, format: 'int32' },
        tags: { type: 'array', items: { type: 'string' }, maxItems: 3 },
        when: { type: 'string', format: 'date-time' },
      },
      required: ['city'],
    });
  });

  it('reads nullable types in each of their JSON-schema spellings', () => {
    expect(
      toGeminiSchema({
        type: 'object',
        properties: {
          a: { type: ['string', 'null'] },
          b: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
          c: { oneOf: [{ type: 'string' }, { type: 'number' }] },
          d: { type: ['string', 'number'] },
        },
      }).properties,
    ).toEqual({
      a: { type: 'string', nullable: true },
      b: { type: 'integer', nullable: true },
      c: { anyOf: [{ type: 'string' }, { type: 'number' }] },
      d: { anyOf: [{ type: 'string' }, { type: 'number' }] },
    });
  });

  it('inlines local $refs and allOf, and stops at recursive ones', () => {
    expect(
      toGeminiSchema({
        type: 'object',
        properties: {
          address: { $ref: '#/$defs/Address', description: 'Where' },
          owner: { allOf: [{ $ref: '#/definitions/Person' }] },
        },
        $defs: { Address: { type: 'object', properties: { street: { type: 'string' } } } },
        definitions: {
          Person: {
            type: 'object',
            properties: { name: { type: 'string' }, friend: { $ref: '#/definitions/Person' } },
          },
        },
      }).properties,
    ).toEqual({
      address: {
        type: 'object',
        description: 'Where',
        properties: { street: { type: 'string' } },
      },
      owner: {
        type: 'object',
        properties: { name: { type: 'string' }, friend: { type: 'object' } },
      },
    });
  });

  it('turns const into enum and moves non-string enums into the description', () => {
    expect(
      toGeminiSchema({
        type: 'object',
        properties: {
          kind: { const: 'fixed' },
          level: { type: 'integer', enum: [1, 2], description: 'Level.' },
        },
      }).properties,
    ).toEqual({
      kind: { enum: ['fixed'] },
      level: { type: 'integer', description: 'Level. Allowed values: 1, 2.' },
    });
  });

  it('omits an empty properties object and infers missing object and array types', () => {
    expect(toGeminiSchema({ type: 'object', properties: {} })).toEqual({ type: 'object' });
    expect(toGeminiSchema({ properties: { a: { items: { type: 'string' } } } })).toEqual({
      type: 'object',
      properties: { a: { type: 'array', items: { type: 'string' } } },
    });
  });

  it('never changes the schema it was given', () => {
    const schema = { type: 'object', properties: { a: { type: ['string', 'null'] } } };
    const copy = structuredClone(schema);
    toGeminiSchema(schema);
    expect(schema).toEqual(copy);
  });
});

describe('toGeminiSchema limits', () => {
  /** `$defs` that each refer to the next twice: 2^levels nodes once inlined. */
  function refBomb(levels: number): Record<string, unknown> {
    const defs: Record<string, unknown> = { [`d${levels}`]: { type: 'string' } };
    for (let i = 0; i < levels; i++) {
      const next = { $ref: `#/$defs/d${i + 1}` };
      defs[`d${i}`] = { type: 'object', properties: { a: next, b: next } };
    }
    return { type: 'object', properties: { root: { $ref: '#/$defs/d0' } }, $defs: defs };
  }

  const nested = (levels: number) => {
    let schema: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < levels; i++) schema = { type: 'object', properties: { a: schema } };
    return schema;
  };

  it('refuses a $ref bomb by node count, naming the path and the limit', () => {
    const path = 'tools.0.function.parameters';
    expect(() => toGeminiSchema(refBomb(16), { path })).toThrow(
      new ApiInputError(
        `${path} expands to more than ${SCHEMA_LIMITS.nodes} schema nodes once $refs are inlined` +
          ` (limit ${SCHEMA_LIMITS.nodes})`,
      ),
    );
  });

  it('refuses nesting past the depth limit instead of overflowing the stack', () => {
    const path = 'response_format.json_schema.schema';
    for (const levels of [SCHEMA_LIMITS.depth, 2_000, 20_000]) {
      expect(() => toGeminiSchema(nested(levels), { path })).toThrow(
        new ApiInputError(
          `${path} nests deeper than ${SCHEMA_LIMITS.depth} levels once $refs are inlined` +
            ` (limit ${SCHEMA_LIMITS.depth})`,
        ),
      );
    }
  });

  it('refuses a long chain of $refs without recursing through all of it', () => {
    const defs = Object.fromEntries(
      Array.from({ length: 100_000 }, (_, i) => [`d${i}`, { $ref: `#/$defs/d${i + 1}` }]),
    );
    expect(() => toGeminiSchema({ $ref: '#/$defs/d0', $defs: defs })).toThrow(/nests deeper/);
  });

  it('refuses a $ref that repeats a long description past the request text limit', () => {
    const description = 'x'.repeat(100_000);
    const properties = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [`p${i}`, { $ref: '#/$defs/Big' }]),
    );
    expect(() =>
      toGeminiSchema({
        type: 'object',
        properties,
        $defs: { Big: { type: 'string', description } },
      }),
    ).toThrow(/more than 4000000 characters of text/);
  });

  it('holds all schemas of a request to one budget', () => {
    const budget = new SchemaBudget();
    const properties = Object.fromEntries(
      Array.from({ length: 9_000 }, (_, i) => [`p${i}`, { type: 'string' }]),
    );
    const schema = { type: 'object', properties };
    for (let i = 0; i < 5; i++) toGeminiSchema(schema, { path: `tools.${i}`, budget });
    expect(() => toGeminiSchema(schema, { path: 'tools.5', budget })).toThrow(
      `tools.5: the schemas of this request expand to more than ${SCHEMA_LIMITS.requestNodes} nodes`,
    );
  });

  it('converts a large real-world schema with shared $defs well within the limits', () => {
    const field = (i: number) => ({ $ref: i % 2 ? '#/$defs/Address' : '#/$defs/Person' });
    const schema = {
      type: 'object',
      properties: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`f${i}`, field(i)])),
      $defs: {
        Address: {
          type: 'object',
          properties: { street: { type: 'string' }, city: { type: 'string' } },
        },
        Person: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            home: { $ref: '#/$defs/Address' },
            tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] } },
          },
        },
      },
    };
    const out = toGeminiSchema(schema);
    expect(Object.keys(out.properties as object)).toHaveLength(300);
    expect(toGeminiSchema(nested(SCHEMA_LIMITS.depth - 1))).toBeDefined();
  });
});
