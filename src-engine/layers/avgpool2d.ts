/** AvgPool2D: the mean of each window of each channel (padding counted, as in PyTorch). */
import { poolLayer, poolSpec } from './pooling.ts';

export const avgPool2d = poolLayer(poolSpec('AvgPool2D', 'The mean'), 'avgPool2d', {
  module: 'AvgPool2d',
  onnx: 'AveragePool',
});
