import type { CredentialState, Namespace } from '../../storage-backend.interface';
import { cooldownPath, CREDENTIAL_COLLECTIONS } from './documents';
import type { MongoSession } from './session';

/** Updates sent per bulk write. */
const CHUNK = 1_000;
const COOLDOWNS = 'model_cooldowns.';

/**
 * Replaces the state fields of each existing credential in unordered bulk writes; a name with no
 * document matches nothing and is skipped. Each document's update is atomic on its own.
 */
export async function restoreStates(
  s: MongoSession,
  ns: Namespace,
  items: ReadonlyArray<{ name: string; state: CredentialState }>,
): Promise<void> {
  const now = Date.now() / 1000;
  for (let start = 0; start < items.length; start += CHUNK) {
    const ops = items.slice(start, start + CHUNK).map(({ name, state }) => ({
      updateOne: {
        filter: { _id: name },
        update: {
          $set: {
            disabled: state.disabled,
            error_codes: state.errorCodes,
            last_success: state.lastSuccess,
            user_email: state.userEmail,
            // Model keys are stored encoded, as setModelCooldown stores them.
            model_cooldowns: Object.fromEntries(
              Object.entries(state.modelCooldowns).map(([key, until]) => [
                cooldownPath(key).slice(COOLDOWNS.length),
                until,
              ]),
            ),
            call_count: state.callCount,
            problem: state.problem ?? null,
            updated_at: now,
          },
        },
      },
    }));
    const write = () => s.credentials(ns).bulkWrite(ops, { ordered: false });
    await s.exclusive(CREDENTIAL_COLLECTIONS[ns], '', write);
  }
}
