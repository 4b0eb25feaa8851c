import { toGeminiSchema } from './gemini-schema';

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
