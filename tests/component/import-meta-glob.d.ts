/** Vite's import.meta.glob as component tests use it (vitest runs them through Vite). */
interface ImportMeta {
  glob<T = unknown>(pattern: string | string[], options: { eager: true }): Record<string, T>;
}
