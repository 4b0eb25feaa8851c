/**
 * The responses of `GET /health` in the OpenAPI document. Terminus documents them itself only by
 * loading @nestjs/swagger when the health controller is defined (~40 MiB of RSS at start-up), so
 * the document adds them when it is built, on the first request for it.
 */
const indicators = {
  type: 'object',
  nullable: true,
  additionalProperties: {
    type: 'object',
    required: ['status'],
    properties: {
      status: { type: 'string', enum: ['up', 'degraded', 'down'] },
      responseTime: { type: 'number', description: 'Time the check took, in ms' },
    },
    additionalProperties: true,
  },
};

const report = (statuses: string[]) => ({
  type: 'object',
  properties: {
    status: { type: 'string', enum: statuses },
    info: indicators,
    error: indicators,
    details: indicators,
  },
});

export const HEALTH_RESPONSES = {
  200: {
    description: 'Serving: `ok`, or `degraded` (see the details)',
    content: { 'application/json': { schema: report(['ok', 'degraded']) } },
  },
  503: {
    description: 'Shutting down',
    content: { 'application/json': { schema: report(['error', 'shutting_down']) } },
  },
};
