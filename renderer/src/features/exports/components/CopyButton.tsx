import { useState } from 'react';
import { useExportsT } from '../messages';

/** Copies a value (a SHA-256) to the clipboard and says so. */
export function CopyButton(props: { value: string; label: string }) {
  const t = useExportsT();
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="exports-small-button"
      aria-label={props.label}
      title={props.label}
      onClick={() => {
        void navigator.clipboard?.writeText(props.value).then(
          () => setCopied(true),
          () => setCopied(false),
        );
      }}
    >
      {copied ? t('copied') : t('copy')}
    </button>
  );
}
