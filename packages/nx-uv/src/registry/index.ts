export * from './errors';
export * from './index-target';
export * from './plan-uploads';
export * from './publish-distributions';
export * from './retry';
export * from './sha256';
export * from './simple-api';
export * from './wait-until-served';
