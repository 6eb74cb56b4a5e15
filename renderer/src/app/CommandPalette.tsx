import { Command } from 'cmdk';
import { useEffect, useRef } from 'react';
import { Dialog } from '../components/Dialog';
import { useAuthT } from '../features/auth/messages';
import { useLock } from '../features/auth/api/queries';
import { useLocaleStore } from '../i18n/i18n';
import { invoke } from '../lib/api';
import { syncNowActionId, usePalette } from '../lib/palette';
import { navigate } from '../lib/router';
import { visibleModules } from './modules';
import { usePermissions } from '../workstation/access';


const isMac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);
const modKey = isMac ? '⌘' : 'Ctrl';

/**
 * Ctrl+K (⌘K): go anywhere the grant allows and run the common actions of the screen on show,
 * each listed with its shortcut. Typing filters (cmdk's fuzzy score); Enter runs; Escape closes.
 */
export function CommandPalette() {
  const t = useAuthT();
  const open = usePalette((state) => state.open);
  const setOpen = usePalette((state) => state.setOpen);
  const screenActions = usePalette((state) => state.screenActions);
  const permissions = usePermissions();
  const lock = useLock();
  const locale = useLocaleStore((state) => state.locale);
  const setLocale = useLocaleStore((state) => state.setLocale);
  const visible = visibleModules(permissions.can);
  const input = useRef<HTMLInputElement>(null);

  // The dialog focuses its first control when it opens; typing must go to the search at once.
  useEffect(() => {
    if (open) input.current?.focus();
  }, [open]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        setOpen(!usePalette.getState().open);
        return;
      }
      if (event.altKey && !event.ctrlKey && !event.metaKey && /^[1-5]$/.test(event.key)) {
        const module = visible[Number(event.key) - 1];
        if (module) {
          event.preventDefault();
          navigate(module.screen);
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setOpen, visible]);

  // An action runs once the dialog is gone: closing it gives the focus back to where it was,
  // which would undo an action that moves the focus (e.g. to a screen's filters).
  const pending = useRef<(() => void) | null>(null);
  useEffect(() => {
    if (open || !pending.current) return;
    const action = pending.current;
    pending.current = null;
    action();
  }, [open]);
  const run = (action: () => void) => {
    pending.current = action;
    setOpen(false);
  };

  return (
    <Dialog open={open} title={t('palette.title')} onClose={() => setOpen(false)}>
      <Command label={t('palette.title')} className="palette" loop>
        <Command.Input ref={input} placeholder={t('palette.placeholder')} aria-label={t('palette.placeholder')} />
        <Command.List>
          <Command.Empty>{t('palette.empty')}</Command.Empty>
          {screenActions.length > 0 && (
            <Command.Group heading={t('palette.thisScreen')}>
              {screenActions.map((action) => (
                <Command.Item key={action.id} value={action.label} onSelect={() => run(action.run)}>
                  <span>{action.label}</span>
                  {action.shortcut && <kbd>{action.shortcut}</kbd>}
                </Command.Item>
              ))}
            </Command.Group>
          )}
          <Command.Group heading={t('palette.goTo')}>
            {visible.map((module, index) => (
              <Command.Item key={module.screen} value={t(`module.${module.screen}`)} onSelect={() => run(() => navigate(module.screen))}>
                <span>{t(`module.${module.screen}`)}</span>
                <kbd>{`Alt+${index + 1}`}</kbd>
              </Command.Item>
            ))}
          </Command.Group>
          <Command.Group heading={t('palette.workstation')}>
            {!screenActions.some((action) => action.id === syncNowActionId) && (
              <Command.Item value={t('palette.syncNow')} onSelect={() => run(() => void invoke('sync.now', {}).catch(() => undefined))}>
                <span>{t('palette.syncNow')}</span>
              </Command.Item>
            )}
            <Command.Item value={t('palette.language')} onSelect={() => run(() => setLocale(locale === 'de' ? 'en' : 'de'))}>
              <span>{t('palette.language')}</span>
            </Command.Item>
            <Command.Item value={t('lock')} onSelect={() => run(() => lock.mutate())}>
              <span>{t('lock')}</span>
            </Command.Item>
            <Command.Item value={t('palette.open')} onSelect={() => setOpen(false)}>
              <span>{t('palette.open')}</span>
              <kbd>{modKey}+K</kbd>
            </Command.Item>
          </Command.Group>
        </Command.List>
      </Command>
    </Dialog>
  );
}
