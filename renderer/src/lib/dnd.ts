/** The drag-and-drop data type of a palette layer. */
export const LAYER_DRAG_TYPE = 'application/x-netwright-layer';
