export * from './credentials';
export * from './publish';
export * from './redact';
export * from './run-uv';
