import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { z } from 'zod';
import { chatRequestSchema } from '../api/openai/chat-request.schema';
import { HEALTH_RESPONSES } from './health-responses';
import { applySecurity, handlerId } from './openapi-security';

/** A JSON body documented from a zod schema (zod's own OpenAPI 3.0 output). */
const jsonBody = (schema: z.ZodType) => ({
  required: true,
  content: {
    'application/json': {
      schema: z.toJSONSchema(schema, {
        target: 'openapi-3.0',
        io: 'input',
        unrepresentable: 'any',
      }),
    },
  },
});

/** Gemini's request shape is Google's; the gateway passes it on after its own checks. */
const GEMINI_BODY = {
  required: true,
  content: {
    'application/json': {
      schema: {
        type: 'object',
        description:
          'A Gemini GenerateContentRequest (contents, systemInstruction, generationConfig, tools, ...)',
        additionalProperties: true,
      },
    },
  },
};

/** Request bodies of the routes that parse their own body, by swagger operation id. */
const MODEL_BODIES: Record<string, object> = {
  ChatCompletionsController_complete: jsonBody(chatRequestSchema),
  GeminiNativeController_call: GEMINI_BODY,
};

/**
 * The gateway's OpenAPI 3 document: every controller route (admin and model APIs), request
 * schemas derived from the zod schemas the routes validate with (Nest's standard-schema support
 * for `@Body({ schema })`/`@Query({ schema })`, zod's converter for the model routes that parse
 * their own body), and each route's auth scheme from its auth policy.
 */
export function buildOpenApiDocument(app: INestApplication, version: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('gcli2api')
    .setDescription(
      'OpenAI-compatible and Gemini-native APIs over a pool of Gemini CLI credentials, and the admin API of its panel.',
    )
    .setVersion(version)
    .build();
  const document = SwaggerModule.createDocument(app, config);
  applySecurity(app, document);
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item)) {
      const operationId = (operation as { operationId?: string } | undefined)?.operationId;
      const body = operationId ? MODEL_BODIES[handlerId(operationId)] : undefined;
      if (body && typeof operation === 'object') Object.assign(operation, { requestBody: body });
    }
  }
  const health = document.paths['/health']?.get;
  if (health) health.responses = { ...health.responses, ...HEALTH_RESPONSES };
  return document;
}
