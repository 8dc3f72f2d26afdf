import { describe, expect, it } from 'vitest';
import { UndoHistory } from '../../renderer/src/lib/history.ts';

describe('UndoHistory', () => {
  it('undoes and redoes snapshots in order', () => {
    const h = new UndoHistory<number>();
    let s = 0;
    for (const next of [1, 2, 3]) {
      h.record(s, null, 0);
      s = next;
    }
    expect(h.canUndo).toBe(true);
    s = h.undo(s)!;
    expect(s).toBe(2);
    s = h.undo(s)!;
    expect(s).toBe(1);
    s = h.redo(s)!;
    expect(s).toBe(2);
    s = h.redo(s)!;
    expect(s).toBe(3);
    expect(h.redo(s)).toBeNull();
  });

  it('a new edit after undo drops the redo branch', () => {
    const h = new UndoHistory<string>();
    h.record('a', null, 0);
    let s = h.undo('b')!;
    expect(s).toBe('a');
    h.record(s, null, 10);
    s = 'c';
    expect(h.canRedo).toBe(false);
    expect(h.undo(s)).toBe('a');
  });

  it('coalesces a burst of edits with the same key into one step', () => {
    const h = new UndoHistory<string>(200, 1000);
    h.record('', 'units', 0); // '' -> '7'
    h.record('7', 'units', 200); // '7' -> '78'
    h.record('78', 'units', 400); // '78' -> '784'
    h.record('784', 'other', 500); // another field: its own step
    expect(h.undo('784!')).toBe('784');
    expect(h.undo('784')).toBe('');
    expect(h.canUndo).toBe(false);
  });

  it('does not coalesce the same key after a pause, and keeps at most `limit` steps', () => {
    const h = new UndoHistory<number>(3, 1000);
    h.record(0, 'k', 0);
    h.record(1, 'k', 5000);
    expect(h.undo(2)).toBe(1);
    const small = new UndoHistory<number>(3);
    for (let i = 0; i < 10; i++) small.record(i, null, i * 10_000);
    let s = 10;
    const seen: number[] = [];
    for (let r = small.undo(s); r !== null; r = small.undo(s)) seen.push((s = r));
    expect(seen).toEqual([9, 8, 7]);
  });
});
