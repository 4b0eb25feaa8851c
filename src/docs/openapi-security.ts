import type { INestApplication } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { AUTH_POLICY, type AuthPolicy } from '../auth/auth.decorators';

/** The security schemes the document declares, by name. */
export const SECURITY_SCHEMES = {
  panelSession: {
    type: 'http',
    scheme: 'bearer',
    description: 'A panel session token from POST /auth/login',
  },
  apiKeyBearer: {
    type: 'http',
    scheme: 'bearer',
    description: 'The API password (API_PASSWORD, else PASSWORD) as a Bearer token',
  },
  apiKeyHeader: {
    type: 'apiKey',
    in: 'header',
    name: 'x-goog-api-key',
    description: 'The API password, Gemini style',
  },
  apiKeyQuery: {
    type: 'apiKey',
    in: 'query',
    name: 'key',
    description: 'The API password, Gemini style',
  },
  metricsToken: {
    type: 'http',
    scheme: 'bearer',
    description: 'METRICS_TOKEN (GET /metrics only)',
  },
} as const;

/**
 * The `<Controller>_<method>` of an operation id; swagger numbers the operations of a handler
 * serving several paths (`..._upload[1]`).
 */
export const handlerId = (operationId: string) => operationId.replace(/\[\d+\]$/, '');

type Requirement = Array<Partial<Record<keyof typeof SECURITY_SCHEMES, string[]>>>;

/** What each auth policy accepts, as OpenAPI security requirements (any one of them). */
function requirementOf(policy: AuthPolicy | undefined, operationId: string): Requirement {
  if (policy?.kind === 'public') {
    // Open to the guard, but checked by the route itself (see MetricsController).
    return operationId === 'MetricsController_metrics'
      ? [{ metricsToken: [] }, { panelSession: [] }]
      : [];
  }
  if (policy?.kind === 'api-key') {
    return policy.style === 'openai'
      ? [{ apiKeyBearer: [] }]
      : [{ apiKeyBearer: [] }, { apiKeyHeader: [] }, { apiKeyQuery: [] }];
  }
  return [{ panelSession: [] }];
}

/**
 * Sets each operation's `security` from the route's auth policy, read from the same metadata
 * the global guard reads, so the document cannot disagree with what the gateway enforces.
 * Operations are matched by swagger's default id, `<Controller>_<method>`.
 */
export function applySecurity(app: INestApplication, document: OpenAPIObject): void {
  const discovery = app.get(DiscoveryService);
  const reflector = app.get(Reflector);
  const scanner = app.get(MetadataScanner);
  const policies = new Map<string, AuthPolicy | undefined>();
  for (const wrapper of discovery.getControllers()) {
    const { instance, metatype } = wrapper;
    if (!instance || !metatype) continue;
    const prototype = Object.getPrototypeOf(instance) as object;
    for (const method of scanner.getAllMethodNames(prototype)) {
      const handler = (prototype as Record<string, () => unknown>)[method];
      const policy = reflector.getAllAndOverride<AuthPolicy | undefined>(AUTH_POLICY, [
        handler,
        metatype,
      ]);
      policies.set(`${metatype.name}_${method}`, policy);
    }
  }
  document.components = { ...document.components, securitySchemes: { ...SECURITY_SCHEMES } };
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item)) {
      if (!operation || typeof operation !== 'object' || !('operationId' in operation)) continue;
      const id = handlerId(String(operation.operationId));
      operation.security = requirementOf(policies.get(id), id);
    }
  }
}
