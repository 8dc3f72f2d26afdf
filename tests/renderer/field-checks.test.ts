/** Inline checks say a sentence with the engine schema's own limits, never schema JSON. */
import { describe, expect, it } from 'vitest';
import { checkRange, checkTrainField, readableError, TRAIN_FIELDS } from '../../renderer/src/lib/field-checks.ts';
import { makeTrainConfig } from '../../src-engine/train/config.ts';

describe('training fields checked against the config schema', () => {
  it('says what is wrong in a sentence', () => {
    expect(checkTrainField('lr', -1)).toBe('Learning rate must be greater than 0 (it is -1).');
    expect(checkTrainField('lr', 0)).toBe('Learning rate must be greater than 0 (it is 0).');
    expect(checkTrainField('lr', 500)).toBe('Learning rate must be at most 100 (it is 500).');
    expect(checkTrainField('epochs', 1.5)).toBe('Epochs must be a whole number (it is 1.5).');
    expect(checkTrainField('epochs', 0)).toBe('Epochs must be at least 1 (it is 0).');
    expect(checkTrainField('momentum', 1)).toBe('Momentum must be at most 0.9999 (it is 1).');
    expect(checkTrainField('seed', 2 ** 33)).toBe('Seed must be at most 4,294,967,295 (it is 8,589,934,592).');
    expect(checkTrainField('batchSize', Number.NaN)).toBe('Batch size must be a number.');
    expect(checkTrainField('lr', 0.01)).toBeNull();
  });

  it('accepts exactly what the engine accepts (every field, on a grid of values)', () => {
    const values = [-1, 0, 1e-9, 0.5, 0.9999, 1, 1.5, 3, 100, 101, 1e6, 2e6];
    let checked = 0;
    for (const field of Object.keys(TRAIN_FIELDS) as (keyof typeof TRAIN_FIELDS)[]) {
      for (const v of values) {
        const base = makeTrainConfig({});
        const optimizer = ['lr', 'momentum', 'beta1', 'beta2'].includes(field);
        const partial = optimizer ? { optimizer: { ...base.optimizer, [field]: v } } : { [field]: v };
        let engineOk = true;
        try {
          makeTrainConfig({ ...base, ...partial });
        } catch {
          engineOk = false;
        }
        expect(checkTrainField(field, v) === null, `${field} = ${v}`).toBe(engineOk);
        checked++;
      }
    }
    expect(checked).toBe(Object.keys(TRAIN_FIELDS).length * values.length);
  });

  it('checks explicit ranges the same way', () => {
    expect(checkRange('count', 5, { min: 10, max: 10000, int: true })).toBe('count must be at least 10 (it is 5).');
    expect(checkRange('count', 10.5, { min: 10, int: true })).toBe('count must be a whole number (it is 10.5).');
    expect(checkRange('noise', 0.2, { min: 0, max: 1 })).toBeNull();
  });

  it('turns schema JSON in an error from the engine into sentences', () => {
    let message = '';
    try {
      makeTrainConfig({ optimizer: { lr: -1 }, epochs: 0 });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('"code"');
    const readable = readableError(message);
    expect(readable).not.toContain('{');
    expect(readable).toContain('Learning rate must be greater than 0.');
    expect(readable).toContain('Epochs must be at least 1.');
    expect(readableError('Training stopped: the loss is NaN.')).toBe('Training stopped: the loss is NaN.');
  });
});
