import { InitialSchema1764374400000 } from './1764374400000-initial-schema';
import { GatewayTables1764374400001 } from './1764374400001-gateway-tables';
import { CredentialProblem1764374400002 } from './1764374400002-credential-problem';
import { UsageTable1764374400003 } from './1764374400003-usage-table';
import { ErrorCodesKeptParameter1764374400004 } from './1764374400004-error-codes-kept-parameter';
import { SummaryIndexes1764374400005 } from './1764374400005-summary-indexes';
import { SummaryCounts1764374400006 } from './1764374400006-summary-counts';

/** Every migration, oldest first; TypeORM records which have run in its `migrations` table. */
export const SQL_MIGRATIONS = [
  InitialSchema1764374400000,
  GatewayTables1764374400001,
  CredentialProblem1764374400002,
  UsageTable1764374400003,
  ErrorCodesKeptParameter1764374400004,
  SummaryIndexes1764374400005,
  SummaryCounts1764374400006,
];
