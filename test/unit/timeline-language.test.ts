import { describe, expect, it } from 'vitest';
import { describeEvent } from '../../src/domain/event-text.ts';

// Defect 4: an Arabic reader sees the refusal in Arabic, with the command as the sender wrote it.
describe('refused commands on the timeline', () => {
  const refused = (data: Record<string, unknown>) =>
    ({ id: 1, ticketId: 1, kind: 'command_refused' as const, actor: 'head.fin@ufuq.test', data, createdAt: new Date() });
  it.each([
    [refused({ command: '#حل', reason: 'Missing: the root cause.', reasonAr: 'ينقص: السبب الجذري.' }),
      'رُفض أمر #حل من head.fin@ufuq.test: ينقص: السبب الجذري.', 'Command #حل from head.fin@ufuq.test refused: Missing: the root cause.'],
    [refused({ command: '#تعيين', reason: 'unknown person.', reasonAr: 'شخص غير معروف.' }),
      'رُفض أمر #تعيين من head.fin@ufuq.test: شخص غير معروف.', 'Command #تعيين from head.fin@ufuq.test refused: unknown person.'],
  ])('%#', (e, ar, en) => {
    expect(describeEvent(e, 'ar')).toBe(ar);
    expect(describeEvent(e, 'en')).toBe(en);
  });
});
