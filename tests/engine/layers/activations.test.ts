/**
 * One record per activation serves three interpreters: the program the engine trains, the scalar
 * value and derivative the palette plots (forward mode through the same gradient rules), and the
 * PyTorch expression the export writes. They must agree.
 */
import { describe, expect, it } from 'vitest';
import { Executable } from '../../../src-engine/backprop/interpreter.ts';
import { BATCH, Program } from '../../../src-engine/backprop/ir.ts';
import { ACTIVATIONS, activationAt, activationTorch, applyActivation } from '../../../src-engine/layers/activations.ts';

const xs = [-3.7, -1.2, -0.4, 0.3, 0.9, 2.6];

describe('activation records', () => {
  for (const name of ACTIVATIONS) {
    it(`${name}: scalar value equals the program's, derivative equals finite differences`, () => {
      const alpha = 0.3;
      const p = new Program();
      const x = p.input('x', [BATCH, 2]);
      const y = applyActivation(p, x, name, alpha);
      const exe = new Executable(p, [y], { batch: xs.length, dtype: 'float64' });
      // Softmax runs over a row: [x, 0] as the palette draws it.
      exe.input('x').set(xs.flatMap((v) => [v, 0]));
      exe.run();
      const out = exe.value(y);
      let checked = 0;
      xs.forEach((v, i) => {
        const { output, der } = activationAt(name, v, alpha);
        expect(output).toBeCloseTo(out[i * 2]!, 12);
        if (name === 'step') expect(der).toBe(0);
        else {
          const h = 1e-6;
          const numeric = (activationAt(name, v + h, alpha).output - activationAt(name, v - h, alpha).output) / (2 * h);
          expect(der).toBeCloseTo(numeric, 6);
        }
        checked++;
      });
      expect(checked).toBe(xs.length);
    });
  }

  it('writes PyTorch expressions from the same compositions', () => {
    expect(activationTorch('relu', 'z', 0.01)).toBe('F.relu(z)');
    expect(activationTorch('silu', 'z', 0.01)).toBe('(z * torch.sigmoid(z))');
    expect(activationTorch('leaky_relu', 'z', 0.2)).toBe('F.leaky_relu(z, negative_slope=0.2)');
    expect(activationTorch('softmax', 'z', 0)).toBe('torch.softmax(z, dim=1)');
    expect(activationTorch('linear', 'z', 0)).toBe('z');
  });
});
