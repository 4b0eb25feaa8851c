import type { Namespace, RotationState } from '../../storage-backend.interface';
import { INSERTION_ORDER, toState } from './documents';
import type { MongoSession } from './session';

/**
 * The reads the rotation index is built from (CredentialStore.readRotationState). The names mark
 * joins a counter raised after every add and delete (MongoSession.bumpNames), the count and the
 * highest insertion order (never handed out twice), so a writer that does not raise the counter
 * still moves it. Cooldowns have no index here: the documents with any are read, and the ended
 * ones left out.
 */
export async function readRotationState(
  s: MongoSession,
  ns: Namespace,
  options: { now: number; namesMark?: string | null },
): Promise<RotationState> {
  const credentials = s.credentials(ns);
  const [counter, count, last] = await Promise.all([
    s.namesVersion(ns),
    credentials.countDocuments({}),
    credentials
      .find({}, { projection: { rotation_order: 1 } })
      .sort({ rotation_order: -1 })
      .limit(1)
      .toArray(),
  ]);
  const namesMark = `${counter}:${count}:${Number(last[0]?.rotation_order ?? 0)}`;
  const listNames = async () => {
    const docs = await credentials
      .find({}, { projection: { filename: 1 } })
      .sort(INSERTION_ORDER)
      .toArray();
    return docs.map((doc) => doc.filename ?? doc._id);
  };
  const [names, disabled, cooling] = await Promise.all([
    namesMark === options.namesMark ? undefined : listNames(),
    credentials.find({ disabled: true }, { projection: { filename: 1 } }).toArray(),
    credentials
      .find(
        { model_cooldowns: { $nin: [{}, null] } },
        { projection: { filename: 1, model_cooldowns: 1 } },
      )
      .toArray(),
  ]);
  const cooldowns = cooling.flatMap((doc) => {
    const { modelCooldowns } = toState(doc, options.now);
    const name = doc.filename ?? doc._id;
    return Object.keys(modelCooldowns).length > 0 ? [{ name, modelCooldowns }] : [];
  });
  return {
    namesMark,
    ...(names && { names }),
    disabled: disabled.map((doc) => doc.filename ?? doc._id),
    cooldowns,
  };
}
