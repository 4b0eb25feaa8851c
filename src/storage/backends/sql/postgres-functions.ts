/**
 * PostgreSQL twins of credential-json.ts, so that the shared statements update JSONB columns in
 * one atomic UPDATE. Keep the semantics identical to the TypeScript versions.
 */
export const POSTGRES_FUNCTIONS: readonly string[] = [
  // $3: how many codes to keep (StorageRules.errorCodesKept), a parameter of every statement.
  `CREATE OR REPLACE FUNCTION gcli_push_code(jsonb, integer, integer) RETURNS jsonb
   LANGUAGE sql IMMUTABLE AS $$
     SELECT COALESCE(jsonb_agg(c ORDER BY o), '[]'::jsonb) FROM (
       SELECT c, o FROM (
         SELECT e.c, e.o
           FROM jsonb_array_elements(CASE WHEN jsonb_typeof($1) = 'array' THEN $1 ELSE '[]'::jsonb END)
                WITH ORDINALITY AS e(c, o)
          WHERE e.c <> to_jsonb($2)
         UNION ALL SELECT to_jsonb($2), 9223372036854775807
       ) candidates ORDER BY o DESC LIMIT $3
     ) last_kept
   $$`,
  // STABLE like to_jsonb inside: PostgreSQL inlines only a function no stricter than its body,
  // and a call that is not inlined cost about 20 us a row in the status filters.
  `CREATE OR REPLACE FUNCTION gcli_has_code(jsonb, integer) RETURNS integer
   LANGUAGE sql STABLE AS $$
     SELECT CASE WHEN jsonb_typeof($1) = 'array' AND $1 @> to_jsonb($2) THEN 1 ELSE 0 END
   $$`,
  `CREATE OR REPLACE FUNCTION gcli_cooldown_set(jsonb, text, double precision) RETURNS jsonb
   LANGUAGE sql IMMUTABLE AS $$
     SELECT CASE WHEN $3 IS NULL THEN COALESCE($1, '{}'::jsonb) - $2
                 ELSE COALESCE($1, '{}'::jsonb) || jsonb_build_object($2, $3) END
   $$`,
  // One expression without a FROM, STABLE like jsonb_build_object: PostgreSQL inlines it into
  // the query, and jsonb_path_exists runs in C, where a jsonb_each subquery cost about 25 us a row.
  `CREATE OR REPLACE FUNCTION gcli_cooling(jsonb, text, double precision) RETURNS integer
   LANGUAGE sql STABLE AS $$
     SELECT CASE
       WHEN jsonb_typeof($1) IS DISTINCT FROM 'object' THEN 0
       WHEN $2 IS NOT NULL THEN
         CASE WHEN jsonb_typeof($1 -> $2) = 'number' AND ($1 ->> $2)::double precision > $3
              THEN 1 ELSE 0 END
       WHEN jsonb_path_exists($1, '$.* ? (@.type() == "number" && @ > $now)',
                              jsonb_build_object('now', $3)) THEN 1
       ELSE 0 END
   $$`,
  `CREATE OR REPLACE FUNCTION gcli_cooldown_max(jsonb) RETURNS double precision
   LANGUAGE sql IMMUTABLE AS $$
     SELECT MAX((e.value)::text::double precision)
       FROM jsonb_each(CASE WHEN jsonb_typeof($1) = 'object' THEN $1 ELSE '{}'::jsonb END) e
      WHERE jsonb_typeof(e.value) = 'number'
   $$`,
];
