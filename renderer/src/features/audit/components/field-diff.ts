export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

function parseObject(text: string | null): Record<string, unknown> {
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The cached event keeps before and after as two objects (views.ts); one row per changed field, in recorded order. */
export function fieldChanges(before: string | null, after: string | null): FieldChange[] {
  const old = parseObject(before);
  const next = parseObject(after);
  const fields = [...new Set([...Object.keys(old), ...Object.keys(next)])];
  return fields.map((field) => ({ field, before: old[field] ?? null, after: next[field] ?? null }));
}
