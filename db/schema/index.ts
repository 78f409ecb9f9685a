export * from './programs.js';
export * from './auth.js';
export * from './members.js';
export * from './tiers.js';
export * from './points.js';
export * from './imports.js';
export * from './segments.js';
export * from './audit.js';
export * from './jobs.js';
export * from './links.js';
export * from './clicks.js';
export * from './conversions.js';
export * from './commissions.js';
export * from './payouts.js';
// db/schema/partitioned.ts (the monthly-partitioned clicks table) is deliberately not exported here.
export * from './transparency.js';
export * from './translations.js';
export * from './notifications.js';
