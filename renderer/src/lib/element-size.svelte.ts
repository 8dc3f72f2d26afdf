/** The size of an element as it changes (ResizeObserver), so drawings can fill their pane. */
export class ElementSize {
  #width = $state(0);
  #height = $state(0);

  get width(): number {
    return this.#width;
  }
  get height(): number {
    return this.#height;
  }

  /** Attach to the element to measure: `<div {@attach size.attach}>`. */
  attach = (el: HTMLElement) => {
    const ro = new ResizeObserver(([e]) => {
      if (!e) return;
      this.#width = Math.floor(e.contentRect.width);
      this.#height = Math.floor(e.contentRect.height);
    });
    ro.observe(el);
    return () => ro.disconnect();
  };
}
