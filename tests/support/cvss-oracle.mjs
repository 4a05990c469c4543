// Scores CVSS vectors with the arithmetic the reference CSAF 2.0 validator (npm
// @secvisogram/csaf-validator-lib) uses in its test 6.1.9: cvss2js for v2 base and
// temporal scores, its own v2 environmental score, FIRST's calculators for v3.0 and v3.1.
// Test-only; never part of prodsec.
// Usage: node cvss-oracle.mjs VALIDATOR_DIR VECTORS.json, the file {"2.0": [...], "3.0": [...], "3.1": [...]}.
// Prints {"2.0": [[base, temporal, environmental] | null, ...], ...}; null where the
// reference cannot score the vector.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const [dir, file] = process.argv.slice(2)
const modules = join(dir, 'node_modules')
const load = (...parts) => import(pathToFileURL(join(modules, ...parts)).href)
const cvss2js = (await load('cvss2js', 'lib', 'main.js')).default
const lib = ['@secvisogram', 'csaf-validator-lib', 'lib', 'shared']
const { getEnvironmentalScoreFromVectorString } = await load(...lib, 'cvss2.js')
const { cvss30, cvss31 } = await load(...lib, 'first.js')

const vectors = JSON.parse(readFileSync(file, 'utf8'))
const v2 = (vector) => {
  try {
    return [
      cvss2js.getBaseScore(vector),
      cvss2js.getTemporalScore(vector),
      getEnvironmentalScoreFromVectorString(vector),
    ]
  } catch {
    return null
  }
}
const v3 = (calculator) => (vector) => {
  const r = calculator.calculateCVSSFromVector(vector)
  return r.success
    ? [r.baseMetricScore, r.temporalMetricScore, r.environmentalMetricScore].map(Number)
    : null
}
const out = {
  '2.0': vectors['2.0'].map(v2),
  '3.0': vectors['3.0'].map(v3(cvss30)),
  '3.1': vectors['3.1'].map(v3(cvss31)),
}
process.stdout.write(JSON.stringify(out) + '\n')
