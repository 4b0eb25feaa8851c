import { z } from 'zod';

const day = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, {
  message: 'must be a day as YYYY-MM-DD',
});

/** Which counters a usage route covers; every field narrows. */
export const usageFilterSchema = z.strictObject({
  namespace: z.enum(['geminicli', 'antigravity']).optional(),
  credential: z.string().min(1).max(1024).optional(),
  model: z.string().min(1).max(512).optional(),
  from: day.optional(),
  to: day.optional(),
});

/** `GET /usage/stats`: the filter and a page. */
export const usageStatsQuerySchema = usageFilterSchema.extend({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** `GET /usage/aggregated`: the filter and what to total by. */
export const usageAggregatedQuerySchema = usageFilterSchema.extend({
  by: z.enum(['day', 'model', 'credential']).default('day'),
});

/** `POST /usage/reset`: the counters to delete; an empty body deletes all. */
export const usageResetBodySchema = usageFilterSchema;

export type UsageFilterInput = z.infer<typeof usageFilterSchema>;
export type UsageStatsQuery = z.infer<typeof usageStatsQuerySchema>;
export type UsageAggregatedQuery = z.infer<typeof usageAggregatedQuerySchema>;
