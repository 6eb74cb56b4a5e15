// Under plain Node the core worker's entry is TypeScript: load it through tsx, on the worker
// thread itself (Node 20 does not pass --import loaders to a worker's entry module).
import { tsImport } from 'tsx/esm/api';

await tsImport('../../main/core/host/worker.ts', import.meta.url);
