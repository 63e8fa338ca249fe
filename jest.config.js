// Unit specs live beside the code; specs of repository files (manifests, Compose, links in the
// docs) live in test/repo/. The Swagger plugin runs here too, so DTO metadata in tests matches
// the built app.
module.exports = {
  rootDir: '.',
  testRegex: '(src|test/repo)/.*\\.spec\\.ts$',
  moduleFileExtensions: ['js', 'json', 'ts'],
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      {
        isolatedModules: false,
        astTransformers: { before: ['<rootDir>/test/swagger-transformer.js'] },
      },
    ],
  },
  testEnvironment: 'node',
  // .cache holds downloaded servers and bench:memory's build of an older commit: never tests.
  modulePathIgnorePatterns: ['<rootDir>/.cache/', '<rootDir>/dist/'],
};
