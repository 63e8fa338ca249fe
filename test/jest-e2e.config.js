// End-to-end suites: real Trino, real OpenID provider, the app over real HTTP.
const base = require('../jest.config.js');
module.exports = {
  ...base,
  rootDir: '..',
  testRegex: 'test/.*\\.e2e-spec\\.ts$',
  testTimeout: 120000,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
};
