// The layering of issue 19, checked on every `npm run lint`. Each layer imports only from the ones below it:
//   contracts  <  platform  <  telephony  <  base features (acd, crm, recordings)
//   <  ivr, transfer, speech  <  supervision (above transfer)  <  server (the composition root, imported by nothing)
// and the agent desktop sees only itself and contracts. Test code (*.test.ts(x), tests/, testkit/, bench/) may
// reach into any layer to drive it; production code never imports test code.
const TEST = '(^(tests|testkit|bench)/)|([.]test[.]tsx?$)';
const LOCAL = '^(contracts|platform|telephony|acd|crm|recordings|ivr|transfer|speech|supervision|server|agent-desktop|testkit|tests|bench|scripts)/';
const LOWER = ['contracts', 'platform', 'telephony'];
const BASE = ['acd', 'crm', 'recordings'];

/** Production files of `folder` may import only the local folders in `allowed` (npm packages are not limited here). */
const layer = (folder, allowed, comment) => ({
  name: `layer-${folder}`,
  comment,
  severity: 'error',
  from: { path: `^${folder}/`, pathNot: TEST },
  to: { path: LOCAL, pathNot: `^(${[folder, ...allowed].join('|')})/` },
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'contracts-only-contracts',
      comment: 'contracts/ is shared with the browser bundle: only other contracts and zod (no Node built-ins, no other package).',
      severity: 'error',
      from: { path: '^contracts/' },
      to: { pathNot: ['^contracts/', '^node_modules/zod/'] },
    },
    layer('platform', ['contracts'], 'platform/ is the bottom layer: config, logging, database, auth, HTTP errors, realtime.'),
    layer('telephony', ['platform', 'contracts'], 'telephony/ is the only code speaking ARI/AMI; it knows no feature.'),
    layer('acd', LOWER, 'a base feature: no other feature (the ACD publishes call events, call records subscribe).'),
    layer('crm', LOWER, 'a base feature: no other feature.'),
    layer('recordings', LOWER, 'a base feature: no other feature (not even crm).'),
    layer('ivr', [...LOWER, ...BASE], 'ivr/ sits above the base features, beside transfer and speech.'),
    layer('transfer', [...LOWER, ...BASE], 'transfer/ sits above the base features, beside ivr and speech; supervision builds on it.'),
    layer('speech', [...LOWER, ...BASE], 'speech/ sits above the base features, beside ivr and transfer.'),
    layer('supervision', [...LOWER, ...BASE, 'transfer'], 'supervision/ sits above transfer.'),
    {
      name: 'server-imported-by-nothing',
      comment: 'server/ is the composition root: it wires the features, no production code imports it.',
      severity: 'error',
      from: { path: '^(?!server/)', pathNot: TEST },
      to: { path: '^server/' },
    },
    {
      name: 'agent-desktop-only-contracts',
      comment: 'the desktop is a browser bundle: it shares only contracts/ with the server.',
      severity: 'error',
      from: { path: '^agent-desktop/' },
      to: { path: LOCAL, pathNot: '^(agent-desktop|contracts)/' },
    },
    {
      name: 'nothing-imports-the-desktop',
      comment: 'the server side never reaches into the browser bundle.',
      severity: 'error',
      from: { path: '^(?!agent-desktop/)' },
      to: { path: '^agent-desktop/' },
    },
    {
      name: 'production-not-to-test-code',
      comment: 'test drivers, fixtures and benchmarks are not shipped.',
      severity: 'error',
      from: { pathNot: TEST },
      to: { path: TEST },
    },
    {
      name: 'no-circular',
      comment: 'a circle means two modules are one job split in the wrong place (and ESM evaluation order bites).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'an import that does not resolve is a typo or a missing package.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|[.]asterisk-root|[.]hotline)/|^tests/[.]artifacts/' },
    // type-only imports are real dependencies of the design: they count for the layers and the circles
    tsPreCompilationDeps: true,
    // resolve the NodeNext `./x.js` specifiers to the `./x.ts` sources
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
