import { BadRequestException, StandardSchemaValidationPipe } from '@nestjs/common';

/**
 * Validates every route parameter that carries a `schema`; a failure is one 400 whose message
 * names each offending parameter (`limit: must be at most 1000`).
 */
export const schemaValidationPipe = new StandardSchemaValidationPipe({
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
