// The cluster suite (`npm run test:cluster`): a 3-node MariaDB Galera cluster of its own (Debian's
// galera-4 and mariadb-backup), one gateway process per node and the machine's Redis. Kept out of
// `npm test` because forming the cluster alone takes about half a minute; CI runs it after the
// fault suite. One file, in band: its phases share the cluster, the destructive one last.
const faults = require("./jest.faults.config.js");

module.exports = {
  ...faults,
  testMatch: ["<rootDir>/test/cluster/**/*.test.ts"],
  // Each test bounds itself; this is the backstop.
  testTimeout: 300000,
};
