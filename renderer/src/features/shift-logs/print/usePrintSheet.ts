import { useCallback, useEffect, useState } from 'react';
import { flushSync } from 'react-dom';

/**
 * Whether the print sheet is mounted: only while the window prints, so the screen's DOM (and
 * what assistive technology reads) holds each text once. The sheet must be in the document
 * before Chromium lays the pages out, hence flushSync both from the button and from
 * 'beforeprint' (Ctrl+P or the menu's Print, which never pass through the button).
 */
export function usePrintSheet(): { printing: boolean; print(): void } {
  const [printing, setPrinting] = useState(false);
  useEffect(() => {
    const before = () => flushSync(() => setPrinting(true));
    const after = () => setPrinting(false);
    window.addEventListener('beforeprint', before);
    window.addEventListener('afterprint', after);
    return () => {
      window.removeEventListener('beforeprint', before);
      window.removeEventListener('afterprint', after);
    };
  }, []);
  const print = useCallback(() => {
    flushSync(() => setPrinting(true));
    // Electron opens the system print dialog, whose destinations include "Save as PDF"; no IPC needed.
    window.print();
  }, []);
  return { printing, print };
}
