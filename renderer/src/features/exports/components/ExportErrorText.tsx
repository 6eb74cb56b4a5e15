import { PlantdeskError } from '../../../../../shared/errors';
import { useExportsT } from '../messages';

const translatedCodes = new Set(['export_cancelled', 'export_disk_full', 'export_permission_denied', 'export_target_invalid', 'forbidden']);

/**
 * A failed export in words: the typed errors in the person's language; any other error (such
 * as export_failed naming the row and column) with the core's own message, which says more.
 */
export function ExportErrorText({ error }: { error: unknown }) {
  const t = useExportsT();
  if (!error) return null;
  const code = error instanceof PlantdeskError ? error.code : 'internal';
  const text = translatedCodes.has(code) ? t(`error.${code}` as Parameters<typeof t>[0]) : error instanceof Error ? error.message : String(error);
  return (
    <p className="error" role="alert" data-error-code={code}>
      {text}
    </p>
  );
}
