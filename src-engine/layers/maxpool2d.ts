/** MaxPool2D: the largest value of each window of each channel. */
import { poolLayer, poolSpec } from './pooling.ts';

export const maxPool2d = poolLayer(poolSpec('MaxPool2D', 'The largest value'), 'maxPool2d', {
  module: 'MaxPool2d',
  onnx: 'MaxPool',
});
