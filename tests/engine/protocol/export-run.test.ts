import { describe, expect, it } from 'vitest';
import { metricsCsv } from '../../../src-engine/train/metrics-csv.ts';

describe('metrics CSV', () => {
  it('writes metrics CSV with only the columns a run has', () => {
    const csv = metricsCsv([
      { epoch: 1, loss: 0.5, accuracy: 0.75, lr: 0.01 },
      { epoch: 2, loss: 0.25, accuracy: 1, lr: 0.01 },
    ]);
    expect(csv).toBe('epoch,loss,accuracy,lr\n1,0.5,0.75,0.01\n2,0.25,1,0.01\n');
  });

  it('leaves a cell empty where an epoch lacks a metric', () => {
    expect(
      metricsCsv([
        { epoch: 1, loss: 1, lr: 0.1 },
        { epoch: 2, loss: 0.5, val_loss: 0.7, lr: 0.1 },
      ]),
    ).toBe('epoch,loss,val_loss,lr\n1,1,,0.1\n2,0.5,0.7,0.1\n');
  });
});
