// The work-order (工单) domain core: pure functions and data, no database, no HTTP.
export * from './config.js';
export * from './deadlines.js';
export * from './errors.js';
export * from './holidays-2026.js';
export * from './lifecycle.js';
export * from '../../contracts/work-order-model.js';
export * from './order-code.js';
export * from '../../contracts/work-order-schemas.js';
export * from '../../contracts/work-order-states.js';
export * from './working-calendar.js';
