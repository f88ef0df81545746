// The web pages in a real browser: Debian's Chromium (/usr/bin/chromium, or CHROMIUM_PATH)
// driven by Playwright against a started gateway on SQLite. `npm run test:browser` builds the
// pages first; screenshots go to test-artifacts/screenshots/.
module.exports = {
  projects: [
    {
      displayName: "browser",
      testEnvironment: "node",
      transform: {
        "^.+\\.[tj]s$": ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: false }],
      },
      transformIgnorePatterns: ["/node_modules/(?!(jose)/)"],
      setupFiles: ["reflect-metadata"],
      testMatch: ["<rootDir>/test/browser/**/*.test.ts"],
      globals: { __DATABASE_KIND__: "sqlite" },
    },
  ],
  testTimeout: 180000,
};
