/** The Help panel has, for every template, what it teaches and what to look at. */
import { describe, expect, it } from 'vitest';
import { LESSONS } from '../../renderer/src/features/help/lessons.ts';
import { listTemplates } from '../../src-engine/train/templates.ts';

describe('Help lessons', () => {
  it('cover every template and no template that is gone', () => {
    const ids = listTemplates().map((t) => t.id);
    expect(ids.length).toBeGreaterThan(10);
    for (const id of ids) {
      expect(LESSONS[id], id).toBeDefined();
      expect(LESSONS[id]!.teaches.length).toBeGreaterThan(30);
      expect(LESSONS[id]!.lookAt.length).toBeGreaterThan(30);
    }
    expect(Object.keys(LESSONS).sort()).toEqual([...ids].sort());
  });
});
