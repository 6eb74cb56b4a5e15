import { PlantdeskError } from '../../../../../shared/errors';
import { useUsersT } from '../messages';

const translated = ['needs_connection', 'last_admin', 'not_home_tenant', 'conflict', 'forbidden', 'not_found'] as const;
type TranslatedCode = (typeof translated)[number];

/** A server or core refusal as a sentence in the person's language; unknown codes keep the core's own message. */
export function useErrorText(): (error: unknown) => string {
  const t = useUsersT();
  return (error) => {
    const code = error instanceof PlantdeskError ? error.code : null;
    if (code && (translated as readonly string[]).includes(code)) return t(`error_${code as TranslatedCode}`);
    return error instanceof Error ? error.message : String(error);
  };
}
