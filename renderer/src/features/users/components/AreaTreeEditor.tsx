import type { AreaView } from '../../../workstation/areas';
import { useUsersT } from '../messages';

/**
 * The area tree with a checkbox per area. An area's access covers everything below it, so a
 * ticked area shows its descendants as included (ticked, not changeable on their own).
 */
export function AreaTreeEditor(props: { areas: readonly AreaView[]; selected: ReadonlySet<string>; disabled: boolean; onChange: (next: Set<string>) => void; describedBy?: string }) {
  const t = useUsersT();
  const known = new Set(props.areas.map((area) => area.id));
  const children = new Map<string | null, AreaView[]>();
  for (const area of props.areas) {
    const parent = area.parent_id && known.has(area.parent_id) ? area.parent_id : null;
    children.set(parent, [...(children.get(parent) ?? []), area]);
  }
  const toggle = (id: string) => {
    const next = new Set(props.selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    props.onChange(next);
  };
  const renderLevel = (parent: string | null, included: boolean) => {
    const level = children.get(parent);
    if (!level?.length) return null;
    return (
      <ul className={parent === null ? 'area-tree' : undefined}>
        {level.map((area) => {
          const ticked = props.selected.has(area.id);
          return (
            <li key={area.id}>
              <label className={included ? 'included' : undefined}>
                <input
                  type="checkbox"
                  checked={ticked || included}
                  disabled={props.disabled || included}
                  onChange={() => toggle(area.id)}
                  aria-describedby={props.describedBy}
                />{' '}
                {area.name}
                {included && <span className="hint"> ({t('includedByParent')})</span>}
              </label>
              {renderLevel(area.id, included || ticked)}
            </li>
          );
        })}
      </ul>
    );
  };
  return renderLevel(null, false);
}
