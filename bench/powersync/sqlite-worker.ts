import { startPowerSyncWorker } from '@powersync/node/worker.js';

// PowerSync's default driver is better-sqlite3, which this repo does not install; this is its
// API-compatible fork that the workstation itself uses (opened here without a key).
startPowerSyncWorker({ loadBetterSqlite3: async () => (await import('better-sqlite3-multiple-ciphers')).default });
