const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'nx-uv',
  rootDir: __dirname,
  roots: ['<rootDir>/src'],
  testTimeout: 120000,
};
