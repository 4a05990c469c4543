// Runs the reference CSAF 2.0 validator (npm @secvisogram/csaf-validator-lib) on files:
// the strict schema test and every mandatory test. Test-only; never part of prodsec.
// Usage: node csaf-oracle.mjs VALIDATOR_DIR FILE...
// Prints one JSON object: {"FILE": {"valid": bool, "errors": [{"test", "path", "message"}]}}.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const [dir, ...files] = process.argv.slice(2)
const lib = join(dir, 'node_modules', '@secvisogram', 'csaf-validator-lib')
const load = (name) => import(pathToFileURL(join(lib, name)).href)
const schema = await load('schemaTests.js')
const mandatory = await load('mandatoryTests.js')
const validate = (await load('validate.js')).default

const tests = [schema.csaf_2_0_strict, ...Object.values(mandatory)]
const out = {}
for (const file of files) {
  const doc = JSON.parse(readFileSync(file, 'utf8'))
  const result = await validate(tests, doc)
  out[file] = {
    valid: result.isValid,
    errors: result.tests.flatMap((t) =>
      t.errors.map((e) => ({ test: t.name, path: e.instancePath, message: e.message })),
    ),
  }
}
process.stdout.write(JSON.stringify(out, null, 1) + '\n')
