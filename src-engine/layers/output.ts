/** Output: the prediction, a dense layer with its activation and the loss it is trained with. */
import { LOSSES } from '../losses/index.ts';
import { denseLayer } from './dense.ts';
import { activationParam, alphaParam, initializerParam, unitsParam, useBiasParam } from './params.ts';

export const output = denseLayer({
  name: 'Output',
  category: 'outputs',
  description: 'The prediction: a dense layer with its activation, and the loss it is trained with.',
  params: [
    unitsParam(1),
    useBiasParam,
    initializerParam,
    activationParam('sigmoid', 'Applied to the output scores.'),
    alphaParam,
    {
      name: 'loss',
      label: 'Loss',
      type: 'enum',
      default: 'bce',
      options: LOSSES,
      description: 'What training minimises.',
    },
  ],
  inputs: { min: 1, max: 1 },
  hasOutput: false,
});
