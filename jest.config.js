// Three projects: pure unit tests once, then the whole integration suite on SQLite and on
// MySQL/MariaDB. MySQL runs when TEST_MYSQL_URL is set; in CI (CI=true) it must be set.
const mysqlUrl = process.env.TEST_MYSQL_URL;
if (process.env.CI === "true" && !mysqlUrl) {
  throw new Error("CI=true but TEST_MYSQL_URL is not set: the suite must also run on MySQL");
}
if (!mysqlUrl) {
  process.stderr.write("TEST_MYSQL_URL is not set: integration tests run on SQLite only.\n");
}

const shared = {
  testEnvironment: "node",
  transform: {
    "^.+\\.[tj]s$": ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: false }],
  },
  // jose 6 and auto-bind 5 (used by the lender kit's code generator) are ESM-only; ts-jest
  // turns them into CommonJS for Jest's module system.
  transformIgnorePatterns: ["/node_modules/(?!(jose|auto-bind)/)"],
  setupFiles: ["reflect-metadata"],
};

const projects = [
  { ...shared, displayName: "unit", testMatch: ["<rootDir>/test/unit/**/*.test.ts"] },
  {
    ...shared,
    displayName: "sqlite",
    testMatch: ["<rootDir>/test/integration/**/*.test.ts"],
    globals: { __DATABASE_KIND__: "sqlite" },
  },
];
if (mysqlUrl) {
  projects.push({
    ...shared,
    displayName: "mysql",
    testMatch: ["<rootDir>/test/integration/**/*.test.ts"],
    globals: { __DATABASE_KIND__: "mysql" },
  });
}

module.exports = { projects, testTimeout: 60000 };
