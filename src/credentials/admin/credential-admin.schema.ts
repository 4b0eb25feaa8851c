import { z } from 'zod';
import type { CooldownFilter } from '../../storage/storage-backend.interface';

/** Most names one batch request may touch. */
export const MAX_BATCH_NAMES = 10_000;

const wholeNumber = (min: number, max: number) =>
  z
    .string({ message: 'must be a whole number' })
    .regex(/^\d{1,15}$/, { message: 'must be a whole number' })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { message: `must be at least ${min}` })
        .max(max, { message: `must be at most ${max}` }),
    );

const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { message: `must be ${values.slice(0, -1).join(', ')} or ${values.at(-1)}` });

const COOLDOWN = { all: 'all', in_cooldown: 'in', no_cooldown: 'out' } as const satisfies Record<
  string,
  CooldownFilter
>;

/** `GET /creds/status` query, mapped onto the storage summary's own vocabulary. */
export const statusQuerySchema = z.object({
  offset: wholeNumber(0, Number.MAX_SAFE_INTEGER).default(0),
  limit: wholeNumber(1, 1000).default(50),
  status_filter: oneOf(['all', 'enabled', 'disabled']).default('all'),
  error_code_filter: z
    .union([z.literal('all'), wholeNumber(100, 999)], {
      message: 'must be all or an HTTP status code (100-999)',
    })
    .default('all')
    .transform((value) => (value === 'all' ? undefined : value)),
  cooldown_filter: oneOf(['all', 'in_cooldown', 'no_cooldown'])
    .default('all')
    .transform((value) => COOLDOWN[value]),
  problem_filter: z
    .string({ message: 'must be all, any, none or a problem code' })
    .regex(/^[a-z0-9_]{1,64}$/, {
      message: 'must be all, any, none or a problem code (no_project, ...)',
    })
    .default('all')
    .transform((value) => (value === 'all' ? undefined : value)),
  model_key: z
    .string({ message: 'must be a single model key' })
    .min(1, { message: 'must not be empty' })
    .max(512, { message: 'must be at most 512 characters' })
    .optional(),
});

export type StatusQuery = z.infer<typeof statusQuerySchema>;

/** `verify` asks Google (see verify-project); the others only touch storage. */
export const ADMIN_ACTIONS = ['enable', 'disable', 'delete', 'verify'] as const;
export type AdminAction = (typeof ADMIN_ACTIONS)[number];

const filename = z
  .string({ message: 'must be a credential name' })
  .min(1, { message: 'must not be empty' });

/** `POST /creds/action` body. */
export const actionBodySchema = z.object(
  { filename, action: oneOf(ADMIN_ACTIONS) },
  { message: 'the body must be a JSON object' },
);

export type ActionBody = z.infer<typeof actionBodySchema>;

/** `POST /creds/batch-action` body. */
export const batchBodySchema = z.object(
  {
    action: oneOf(ADMIN_ACTIONS),
    filenames: z
      .array(filename, { message: 'must be an array of credential names' })
      .min(1, { message: 'must name at least one credential' })
      .max(MAX_BATCH_NAMES, { message: `must name at most ${MAX_BATCH_NAMES} credentials` }),
  },
  { message: 'the body must be a JSON object' },
);

export type BatchBody = z.infer<typeof batchBodySchema>;
