/**
 * What each template teaches and what to look at while it trains, for the Help panel. Keyed by the
 * engine's template ids (a unit test checks every template has its lesson).
 */
export interface Lesson {
  teaches: string;
  lookAt: string;
}

export const LESSONS: Record<string, Lesson> = {
  'from-scratch': {
    teaches:
      'Backpropagation by hand, as in "Neural network from scratch": sigmoid units, the sum of squared errors and plain gradient steps on a 4-row table.',
    lookAt:
      'The loss curve: a long plateau, then a drop once the hidden units specialise. The Network view shows each weight growing.',
  },
  perceptron: {
    teaches: "Rosenblatt's perceptron rule: a step unit that only changes its weights when it gets a point wrong.",
    lookAt:
      'The Decision boundary: the line jumps after each mistake and stops once every training point is on its side. The arrow is the weight vector, normal to the line.',
  },
  'sigmoid-neuron': {
    teaches: 'One sigmoid neuron is logistic regression: a straight boundary with a probability that fades across it.',
    lookAt:
      'The shading of the Decision boundary (the probability) and the 0.5 contour; the weight arrow points to class 1.',
  },
  'sigmoid-neuron-3d': {
    teaches: 'With three features the boundary of one neuron is a plane in 3-D.',
    lookAt: 'The 3-D view (drag to rotate): the plane slicing between the two clouds of points.',
  },
  'softmax-3': {
    teaches:
      'Softmax over three units turns scores into class probabilities; each pair of classes meets on a straight line.',
    lookAt:
      'The Decision boundary: three regions with straight borders, and the weight-difference arrows normal to them. The Evaluation tab has the confusion matrix.',
  },
  'x4-sigmoid-neuron': {
    teaches: 'The linear limit: no single neuron can separate the L-shaped X4.',
    lookAt: 'Accuracy levels off well below 1, and the boundary stays a straight line whatever the learning rate.',
  },
  'x4-relu-hidden': {
    teaches: 'A hidden layer maps the data into a space where it becomes separable: three ReLUs are enough for X4.',
    lookAt:
      "The 3-D view: X4 mapped into the hidden layer, split by the output's plane. Then the Decision boundary: the L shape appears.",
  },
  'x4-linear-hidden': {
    teaches: 'Linear hidden units add nothing: a composition of linear maps is linear.',
    lookAt:
      'Compare with the ReLU template: same accuracy ceiling as one neuron, and a flat hidden space in the 3-D view.',
  },
  'x5-linear': {
    teaches: 'Linear regression with mean squared error: the best straight line through a curve is still a line.',
    lookAt: 'The Regression view: the line and the parabola it cannot follow; the loss stops falling early.',
  },
  'x5-relu-10': {
    teaches: 'Ten ReLU units fit a curve piece by piece: each adds a hinge, and their weighted sum is the prediction.',
    lookAt:
      "The Regression view's small plots: each unit's activation (green) and its weighted contribution (orange), which add up to the curve.",
  },
  'x5-relu-400': {
    teaches: 'The universal approximation theorem: enough hidden units can follow any smooth curve.',
    lookAt: 'How much closer the curve hugs the parabola than with 10 units, and how fast the loss falls.',
  },
  digits: {
    teaches:
      'Recognising handwritten digits with one hidden layer (784-15-10, 11,935 parameters), as in the neural networks crash course.',
    lookAt:
      'The validation accuracy (about 0.9 after a few epochs) and the Evaluation tab: which digits get confused with which.',
  },
  circle: {
    teaches: 'Two tanh hidden layers learn a round boundary, as in TensorFlow Playground.',
    lookAt: 'The Decision boundary turning from a line into a closed curve around the inner class.',
  },
  'circle-features': {
    teaches:
      "Feature engineering, TensorFlow Playground's way: with x1² and x2² as inputs, one neuron draws a circle, because the circle is a straight line in those features.",
    lookAt:
      'The Decision boundary: round from the first epochs without any hidden layer. Uncheck x² in the Features layer and it can only draw a straight line again.',
  },
  'xor-features': {
    teaches:
      'The product x1·x2 is positive in two quadrants and negative in the other two: the XOR pattern as one feature.',
    lookAt:
      'The Decision boundary: the cross of the XOR template, drawn by a single neuron with no hidden layer; the Network view has one weight.',
  },
  'xor-quadrants': {
    teaches: 'XOR: no straight line separates opposite quadrants, a small hidden layer does.',
    lookAt: 'The boundary bending into a cross; the Network view shows which hidden units draw which line.',
  },
  'two-spirals': {
    teaches: 'Depth: interleaved spirals need several layers and many epochs.',
    lookAt: 'The boundary winding outwards over the epochs; try fewer layers and watch it fail.',
  },
  'spiral-sines': {
    teaches:
      'Input features change what a small network can draw: sin x1 and sin x2 already wind with the spirals, so six tanh units are enough.',
    lookAt:
      'The Decision boundary winding along both arms. Uncheck sin x in the Features layer, train again, and compare the accuracy (about 0.8 without it).',
  },
  'gaussian-blobs': {
    teaches: 'A softmax classifier with one hidden layer on four noisy clusters.',
    lookAt: "The Evaluation tab: per-class precision and recall, and where the clusters' overlap costs accuracy.",
  },
  'vanishing-sigmoid': {
    teaches:
      'Vanishing gradients: the derivative of a sigmoid is at most 1/4, so the gradient shrinks layer by layer and the first of eight layers barely learn.',
    lookAt:
      'The Gradient flow view: the bars of the first layers are orders of magnitude shorter than the last ones, and the loss hardly moves.',
  },
  'vanishing-relu': {
    teaches:
      'The same eight layers with ReLU units and He initialisation: the gradient keeps its size on the way back, so every layer learns.',
    lookAt:
      'The Gradient flow view (bars of similar size in every layer) and the loss chart next to the sigmoid run: this one falls and the circle is learned.',
  },
  'lenet-digits': {
    teaches:
      'A convolutional network: small filters slide over the image and share their weights, so LeNet-5 needs 61,706 parameters and recognises a stroke wherever it is.',
    lookAt:
      'The Filters tab (the learned 5×5 filters), Feature maps (what each layer sees of one digit, and its saliency) and Mistakes (the test digits it gets wrong).',
  },
  'why-conv-dense': {
    teaches:
      'The dense 784-15-10 on the same digits as its convolutional partner: every pixel is its own input, so the network cannot reuse what it learns in one place elsewhere.',
    lookAt:
      'The test accuracy and parameter count in the Evaluation tab; then train "Why convolution (2 of 2)" and compare the two runs.',
  },
  'why-conv-cnn': {
    teaches:
      'Fewer parameters, better accuracy: two 3×3 convolutions share their weights across the image, the point of convolution.',
    lookAt:
      "Its test accuracy beside the dense network's, with fewer parameters; the Feature maps tab shows the strokes each filter picks out.",
  },
};
