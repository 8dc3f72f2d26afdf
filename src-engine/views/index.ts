/** Live views computed in the engine (worker) for the renderer to draw: data in, plain arrays out. */
export * from './source.ts';
export * from './decision-grid.ts';
export * from './contour.ts';
export * from './hidden-space.ts';
export * from './pca.ts';
export * from './regression.ts';
export * from './network.ts';
export * from './evaluation.ts';
export * from './history.ts';
export * from './plan.ts';
export * from './images.ts';
export * from './projection.ts';
