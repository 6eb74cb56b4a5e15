import type { MutationArgs } from '../../../shared/mutations';
import { subjectOf } from '../../../shared/rbac';
import { fieldDiff } from '../../audit/diff';
import { invalid, loadRow, MutationConflict, requireBaseVersion, requireRight, shiftScope, type MutationContext, type ServerRow } from './context';

// Fixed column pairs per side: the side comes from a zod enum, the SQL never from input.
const columns = {
  outgoing: { by: 'outgoing_ack_by', at: 'outgoing_ack_at' },
  incoming: { by: 'incoming_ack_by', at: 'incoming_ack_at' },
} as const;

export async function acknowledgeHandover(context: MutationContext, args: MutationArgs<'handover.acknowledge'>): Promise<number> {
  const { tx, tenantId, now } = context;
  const handover = await loadRow(context, 'handovers', args.handoverId, 'FOR UPDATE');
  if (!handover) throw invalid('the handover does not exist');
  requireRight(context, 'update', 'handover', subjectOf('handover', handover));
  requireBaseVersion(context, 'handover', handover);
  const side = columns[args.side];
  if (handover[side.by] !== null) throw new MutationConflict('handover', handover, 'already_done', `the ${args.side} side is already acknowledged`);
  const rows = await tx.query<{ row: ServerRow }>(
    `UPDATE handovers SET ${side.by} = $3, ${side.at} = $4, version = version + 1 WHERE tenant_id = $1 AND id = $2 RETURNING to_jsonb(handovers) AS row`,
    [tenantId, args.handoverId, context.userId, now],
  );
  const after = rows[0].row;
  const diff = fieldDiff({ [side.by]: handover[side.by], [side.at]: handover[side.at] }, { [side.by]: after[side.by], [side.at]: after[side.at] });
  await context.ledger.appendAudit(context.actor, { action: 'handover.acknowledged', entity: 'handover', entityId: args.handoverId, diff, areaId: handover.area_id as string }, now);
  return context.ledger.appendChange({ entity: 'handover', entityId: args.handoverId, op: 'upsert', row: after, scope: shiftScope(after, 'created_by') });
}
