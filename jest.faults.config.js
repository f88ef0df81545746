// The fault suite (`npm run test:faults`): crash, outage and shutdown tests that start their own
// MariaDB and gateway processes and kill them. Kept out of `npm test` because each file spends
// tens of seconds on process start-up; CI runs it after `npm test`. One file at a time: they
// use processes and ports, not a shared database.
module.exports = {
  testEnvironment: "node",
  transform: {
    "^.+\\.[tj]s$": ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: false }],
  },
  transformIgnorePatterns: ["/node_modules/(?!jose/)"],
  setupFiles: ["reflect-metadata"],
  testMatch: ["<rootDir>/test/faults/**/*.test.ts"],
  // Each test bounds itself; this is the backstop.
  testTimeout: 180000,
};
