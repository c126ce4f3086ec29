/**
 * The shared vocabulary of store, runs and api, in one import: system specs, run params,
 * records and results, events and errors (zod schemas and their inferred types). It sits
 * below store, runs and api and imports nothing above it (engine types only).
 * Code that only reports errors imports './errors' alone (no zod).
 */
export * from './systems';
export * from './umbrella';
export * from './seeding';
export * from './metad';
export * from './ensemble';
export * from './molecules';
export * from './models';
export * from './records';
export * from './fes';
export * from './learned-cvs';
export * from './regions';
export * from './events';
export * from './executor';
export * from './limits';
export * from './errors';
export * from './trash';
export * from './imports';
