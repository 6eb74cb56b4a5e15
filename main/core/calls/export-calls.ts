import { PlantdeskError } from '../../../shared/errors';
import type { CallContext, CallHandlers, ChannelsOf } from './call-context';

/** Exports to local files: start (with the save dialog), cancel, history, show in folder. */
export function exportCalls(ctx: CallContext): CallHandlers<ChannelsOf<'exports'>> {
  return {
    'exports.start': async (request) => {
      const result = await ctx.exports.start(request);
      // The export is recorded in the local audit trail, which the server receives by sync.
      if (result) ctx.sync.afterWrite();
      return result && { path: result.path, format: result.format, rows: result.rows, bytes: result.bytes, sha256: result.sha256 };
    },
    'exports.cancel': async ({ exportId }) => ({ cancelled: ctx.exports.cancel(exportId) }),
    'exports.history': async () => ctx.exports.history(),
    'exports.reveal': async ({ path }) => {
      // The renderer may only point at files this workstation exported, never at any path.
      const known = ctx.exports.history().some((item) => item.path === path);
      if (!known) throw new PlantdeskError('not_found', 'That file is not in the export history of this workstation.');
      if (!ctx.revealInFolder) return { shown: false };
      await ctx.revealInFolder(path);
      return { shown: true };
    },
  };
}
