/**
 * The ONNX reader under fuzzing: random bytes and mutations of real exports. readOnnx either reads
 * a model or throws OnnxFormatError naming the file, and reading any initializer's values either
 * works or throws OnnxFormatError: never another exception, never an allocation the bytes do not hold.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildForward } from '../../../src-engine/model/compile.ts';
import { exportDeploymentOnnx } from '../../../src-engine/onnx/export-model.ts';
import { OnnxFormatError, readOnnx, tensorValues } from '../../../src-engine/onnx/read-model.ts';
import { encodeModel, type ModelProto } from '../../../src-engine/onnx/schema.ts';
import { SeededRng } from '../../../src-engine/tensor/rng.ts';
import { initWeights } from '../../../src-engine/model/compile.ts';
import { fuzz } from '../fuzz.ts';
import { testNets } from './graphs.ts';

const net = testNets()[0]!;
// A copy: the export may be a Buffer, whose slice() is a view the mutations below would write into.
const valid = new Uint8Array(
  exportDeploymentOnnx({
    graph: net.graph,
    weights: initWeights(buildForward(net.graph, { training: true }).params, new SeededRng(1)),
  }),
);

function modelOrError(bytes: Uint8Array): void {
  let info;
  try {
    info = readOnnx(bytes, 'fuzz.onnx');
  } catch (e) {
    if (!(e instanceof OnnxFormatError)) throw e;
    expect(e.message).toMatch(/^fuzz\.onnx is not a usable ONNX model: /);
    return;
  }
  for (const t of info.initializers.values()) {
    try {
      const { dims, data } = tensorValues(t, 'fuzz.onnx');
      expect(data.length).toBe(dims.reduce((a, b) => a * b, 1));
    } catch (e) {
      if (!(e instanceof OnnxFormatError)) throw e;
    }
  }
}

const edit = fc.record({
  at: fc.nat(),
  byte: fc.integer({ min: 0, max: 255 }),
  kind: fc.constantFrom('flip', 'cut', 'insert'),
});

describe('ONNX reader fuzzing (counted)', () => {
  it('random bytes', () => {
    fuzz(fc.uint8Array({ maxLength: 2048 }), modelOrError, { runs: 500, min: 200 });
  });

  it('byte mutations of a real export', () => {
    fuzz(
      fc.array(edit, { minLength: 1, maxLength: 6 }),
      (edits) => {
        let b = valid.slice();
        for (const e of edits) {
          const at = e.at % Math.max(1, b.length);
          if (e.kind === 'flip') b[at] = e.byte;
          else if (e.kind === 'cut') b = b.slice(0, at);
          else b = Uint8Array.from([...b.subarray(0, at), e.byte, ...b.subarray(at)]);
        }
        modelOrError(b);
      },
      { runs: 500, min: 200 },
    );
  });

  it('initializers whose dims claim more values than their data holds', () => {
    const dims = fc.array(fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constantFrom(2 ** 31, 2 ** 40, -1)), {
      maxLength: 4,
    });
    fuzz(
      fc.tuple(dims, fc.constantFrom(1, 11, 7, 3)),
      ([d, dataType]) => {
        const model = structuredClone(readOnnx(valid).model) as ModelProto;
        const t = model.graph!.initializer![0]!;
        t.dims = d;
        t.dataType = dataType;
        modelOrError(encodeModel(model));
      },
      { runs: 300, min: 100 },
    );
  });
});
