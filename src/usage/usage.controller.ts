import { Body, Controller, Get, HttpCode, Post, Query, UsePipes } from '@nestjs/common';
import { schemaValidationPipe } from '../common/schema-validation.pipe';
import type { UsageStore } from '../storage/storage-backend.interface';
import { InjectUsageStore } from '../storage/storage.decorators';
import { UsageRecorder } from './usage-recorder.service';
import { aggregate, storageFilter, usageRows } from './usage-rows';
import {
  type UsageAggregatedQuery,
  usageAggregatedQuerySchema,
  type UsageFilterInput,
  usageResetBodySchema,
  type UsageStatsQuery,
  usageStatsQuerySchema,
} from './usage.schema';

/**
 * Usage per credential, model and UTC day (panel session required). Each route first writes the
 * counts still buffered, so answers include every call finished so far.
 * - `GET /usage/stats`: rows `{day, namespace, credential, model, requests, successes,
 *   failures: {<status>: n}, input_tokens, output_tokens, thinking_tokens}`, filtered
 *   (namespace, credential, model, from, to) and paged (offset, limit <= 1000).
 * - `GET /usage/aggregated`: `{by, totals, groups: [{key, ...totals}]}` by day, model or credential.
 * - `POST /usage/reset`: deletes the counters the body's filter covers (all for `{}`).
 */
@Controller('usage')
@UsePipes(schemaValidationPipe)
export class UsageController {
  constructor(
    private readonly recorder: UsageRecorder,
    @InjectUsageStore() private readonly usage: UsageStore,
  ) {}

  @Get('stats')
  async stats(@Query({ schema: usageStatsQuerySchema }) query: UsageStatsQuery) {
    const { offset, limit, ...filter } = query;
    await this.recorder.flush();
    const rows = usageRows(await this.usage.listUsage(storageFilter(filter)));
    return { items: rows.slice(offset, offset + limit), total: rows.length, offset, limit };
  }

  @Get('aggregated')
  async aggregated(@Query({ schema: usageAggregatedQuerySchema }) query: UsageAggregatedQuery) {
    const { by, ...filter } = query;
    await this.recorder.flush();
    return aggregate(await this.usage.listUsage(storageFilter(filter)), by);
  }

  @Post('reset')
  @HttpCode(200)
  async reset(@Body({ schema: usageResetBodySchema }) body: UsageFilterInput) {
    await this.recorder.reset(storageFilter(body));
    return { message: 'Usage statistics reset' };
  }
}
