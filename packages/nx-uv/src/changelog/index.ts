export * from './render';
export * from './prepend';
export * from './extract';
export * from './repo-url';
export { headingVersion } from './headings';
