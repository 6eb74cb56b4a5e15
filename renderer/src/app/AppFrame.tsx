import type { ReactNode } from 'react';
import { hrefFor, useRoute, type Screen } from '../lib/router';

const navigation: { screen: Screen; label: string }[] = [
  { screen: 'shift-logs', label: 'Shift logs' },
  { screen: 'people', label: 'People' },
  { screen: 'audit', label: 'Audit trail' },
  { screen: 'exports', label: 'Exports' },
  { screen: 'sync', label: 'Sync' },
];

/** The frame around every screen once unlocked: navigation, status, user (issue 7 fills it in). */
export function AppFrame({ children }: { children: ReactNode }) {
  const route = useRoute();
  return (
    <div className="app-frame">
      <nav aria-label="Modules">
        <ul>
          {navigation.map((item) => (
            <li key={item.screen}>
              <a href={hrefFor(item.screen)} aria-current={route.screen === item.screen ? 'page' : undefined}>
                {item.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main>{children}</main>
    </div>
  );
}
