import { defineConfig } from 'vitest/config';

// Five tiers: fast pure-logic tests, the desktop's logic in a DOM (happy-dom), database tests and API tests (PGlite, or PostgreSQL when DATABASE_URL is set),
// and end-to-end tests against the real Asterisk, real SIP callers and real Chromium.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // pure cores keep their tests beside the code (acd/, crm/, ivr/ …); shared ones live in tests/unit
          include: [
            'tests/unit/**/*.test.ts',
            'tests/speech/**/*.test.ts',
            '{platform,acd,crm,ivr,telephony,recordings,server,contracts,speech,transfer,supervision}/**/*.test.ts',
          ],
          environment: 'node',
          // the speech engine tests run real models on real audio; under a parallel run they take seconds
          testTimeout: 60_000,
        },
      },
      {
        // the agent desktop's state machines, hooks and socket handling, beside their code, in a simulated DOM
        test: { name: 'desktop', include: ['agent-desktop/src/**/*.test.{ts,tsx}'], environment: 'happy-dom' },
      },
      { test: { name: 'db', include: ['tests/db/**/*.test.ts'], environment: 'node', testTimeout: 30_000, hookTimeout: 60_000 } },
      // the HTTP API in-process (fastify inject) over PGlite, or PostgreSQL when DATABASE_URL is set
      { test: { name: 'api', include: ['tests/api/**/*.test.ts'], environment: 'node', testTimeout: 60_000, hookTimeout: 60_000 } },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['testkit/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
