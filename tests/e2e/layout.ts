import type { Page } from '@playwright/test';

/** The layout faults a screenshot review looks for, measured in the live page. */
export interface LayoutFaults {
  /** How far the page is wider than the window (0 or less: it fits). */
  overflowX: number;
  /** The frame's header runs onto a second line. */
  headerRows: boolean;
  /** Controls and column heads whose text is cut off. */
  clipped: string[];
}

export async function layoutFaults(page: Page): Promise<LayoutFaults> {
  return page.evaluate(() => {
    const overflowX = document.documentElement.scrollWidth - window.innerWidth;
    const header = document.querySelector('.frame-header');
    let headerRows = false;
    if (header) {
      const boxes = [...header.children].map((child) => child.getBoundingClientRect()).filter((box) => box.width > 0);
      // On one line every item starts above the bottom of every other.
      headerRows = boxes.length > 1 && Math.max(...boxes.map((box) => box.top)) >= Math.min(...boxes.map((box) => box.bottom));
    }
    const clipped = [...document.querySelectorAll<HTMLElement>('button, a[href], [role="tab"], label, th, [role="columnheader"]')]
      .filter((element) => element.offsetParent !== null && !element.closest('[aria-hidden="true"], .sr-only, .visually-hidden'))
      .filter((element) => getComputedStyle(element).overflow !== 'visible' || getComputedStyle(element).textOverflow === 'ellipsis')
      .filter((element) => element.scrollWidth > element.clientWidth + 1 && element.clientWidth > 0)
      .map((element) => `${element.tagName.toLowerCase()} "${(element.textContent ?? '').trim().slice(0, 60)}"`);
    return { overflowX, headerRows, clipped };
  });
}

export const hasFaults = (found: LayoutFaults) => found.overflowX > 0 || found.headerRows || found.clipped.length > 0;

/** The languages and colour schemes every screen is looked at in (at the config's 1366x768). */
export const screenVariants = [
  { language: 'en', locale: 'en-GB', colorScheme: 'light' },
  { language: 'en', locale: 'en-GB', colorScheme: 'dark' },
  { language: 'de', locale: 'de-DE', colorScheme: 'light' },
  { language: 'de', locale: 'de-DE', colorScheme: 'dark' },
] as const;
