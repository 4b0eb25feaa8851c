import type { mongo } from 'mongoose';
import type {
  CredentialSummary,
  CredentialSummaryPage,
  SummaryQuery,
} from '../../storage-backend.interface';
import {
  cooldownPath,
  type CredentialDoc,
  INSERTION_ORDER,
  isCooling,
  STATE_PROJECTION,
  toState,
} from './documents';

/**
 * A filtered page of credential states in insertion order, read with STATE_PROJECTION so that
 * credential data never leaves the server. Status, error code and one model's cooldown are
 * filtered by the server.
 */
export async function summarizeCredentials(
  credentials: mongo.Collection<CredentialDoc>,
  query: SummaryQuery,
): Promise<CredentialSummaryPage> {
  const { offset = 0, limit = 50, now = Date.now() / 1000, cooldown = 'all', modelKey } = query;
  const filter: mongo.Document = {};
  if (query.status === 'enabled') filter.disabled = { $ne: true };
  if (query.status === 'disabled') filter.disabled = true;
  if (query.errorCode !== undefined) filter.error_codes = query.errorCode;
  if (query.problem === 'any') filter['problem.code'] = { $exists: true };
  else if (query.problem === 'none') filter['problem.code'] = { $exists: false };
  else if (query.problem !== undefined) filter['problem.code'] = query.problem;
  if (cooldown !== 'all' && modelKey !== undefined) {
    filter[cooldownPath(modelKey)] = cooldown === 'in' ? { $gt: now } : { $not: { $gt: now } };
  }
  const find = () =>
    credentials.find(filter, { projection: STATE_PROJECTION }).sort(INSERTION_ORDER);

  let docs: CredentialDoc[];
  let total: number;
  if (cooldown === 'all' || modelKey !== undefined) {
    [docs, total] = await Promise.all([
      find().skip(offset).limit(limit).toArray(),
      credentials.countDocuments(filter),
    ]);
  } else {
    // "Some model cools down" compares every value of an object, which a plain query cannot
    // express (FerretDB has neither $expr nor $objectToArray): the states are filtered here.
    const matching = (await find().toArray()).filter(
      (doc) => isCooling(doc, undefined, now) === (cooldown === 'in'),
    );
    docs = matching.slice(offset, offset + limit);
    total = matching.length;
  }

  const [all, disabled] = await Promise.all([
    credentials.countDocuments({}),
    credentials.countDocuments({ disabled: true }),
  ]);
  return {
    items: docs.map((doc): CredentialSummary => ({
      name: doc.filename ?? doc._id,
      order: Number(doc.rotation_order ?? 0),
      ...toState(doc, now),
    })),
    total,
    offset,
    limit,
    stats: { total: all, enabled: all - disabled, disabled },
  };
}
