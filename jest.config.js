// Two projects: fast unit specs next to the code, and end-to-end specs in test/ that talk to the
// real NATS, FerretDB, ffmpeg and RTSP server (see test/setup/global-setup.ts).
const moduleNameMapper = {
  '^@hallwatch/(config|contracts|domain|runtime|stats|vision)$': '<rootDir>/libs/$1/src',
};
const transform = { '^.+\\.ts$': 'ts-jest' };

module.exports = {
  projects: [
    {
      displayName: 'unit',
      rootDir: __dirname,
      testEnvironment: '<rootDir>/test/setup/node-realm-environment.js',
      testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts', '<rootDir>/bench/**/*.spec.ts'],
      moduleNameMapper,
      transform,
    },
    {
      displayName: 'e2e',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      moduleNameMapper,
      transform,
      testEnvironment: '<rootDir>/test/setup/e2e-environment.js',
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/setup/e2e-each-file.ts'],
    },
  ],
};
