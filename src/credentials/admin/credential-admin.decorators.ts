import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { namespaceOfPath } from '../namespace';

/**
 * The namespace the request's path addresses: `/antigravity/...` or Gemini CLI. Express matches
 * routes case-insensitively, so `/Antigravity/...` reaches the same handler and must address the
 * same namespace.
 */
export const CredentialNamespace = createParamDecorator((_: unknown, ctx: ExecutionContext) =>
  namespaceOfPath(ctx.switchToHttp().getRequest<{ path: string }>().path.toLowerCase()),
);
