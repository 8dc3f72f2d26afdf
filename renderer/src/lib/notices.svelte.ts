/**
 * Notifications: what happened (saved, opened) and what failed (a start, the data, an export, a
 * save), shown in a stack that stays in view at any scroll position, while the control that caused
 * each shows the same message beside it. A failure whose cause is gone (the inputs it was about
 * changed) disappears by itself: each one keeps a key of its cause and is shown while the key holds.
 */

export type NoticeSource = 'project' | 'save' | 'train' | 'data' | 'export' | 'host';

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  source: NoticeSource;
  text: string;
}

interface Entry extends Notice {
  /** Reads the state the message is about; the notice shows while it returns `key`. */
  cause: (() => string) | null;
  key: string;
}

/** How long a message that reports success stays up. */
export const INFO_MS = 8000;

export class Notices {
  #entries = $state.raw<Entry[]>([]);
  /** Messages owned by other state (the data panel's error), shown here while they are set. */
  #watched: { source: NoticeSource; text: () => string | null }[] = [];
  /** Watched messages the user dismissed: hidden until their text changes. */
  #dismissed = $state.raw<Readonly<Partial<Record<NoticeSource, string>>>>({});
  #next = 1;

  /** Show a message that some state owns (and clears) as a notification too. */
  watch(source: NoticeSource, text: () => string | null): void {
    this.#watched.push({ source, text });
  }

  /** Every notice to show now, oldest first. */
  get visible(): Notice[] {
    const own = this.#entries
      .filter((e) => !e.cause || e.cause() === e.key)
      .map(({ id, kind, source, text }) => ({ id, kind, source, text }));
    const watched = this.#watched.flatMap((w, i): Notice[] => {
      const text = w.text();
      return text && this.#dismissed[w.source] !== text ? [{ id: -1 - i, kind: 'error', source: w.source, text }] : [];
    });
    return [...own, ...watched];
  }

  /** The message to show beside the control of `source`, if any. */
  of(source: NoticeSource): Notice | null {
    return this.visible.filter((n) => n.source === source).at(-1) ?? null;
  }

  /** Report a failure; with `cause`, it shows only while `cause()` returns what it returns now. */
  error(source: NoticeSource, text: string, cause: (() => string) | null = null): void {
    this.#push({ kind: 'error', source, text, cause, key: cause ? cause() : '' });
  }

  /** Report what happened; it goes away after a few seconds. */
  info(source: NoticeSource, text: string): void {
    const id = this.#push({ kind: 'info', source, text, cause: null, key: '' });
    setTimeout(() => this.dismiss(id), INFO_MS);
  }

  dismiss(id: number): void {
    if (id < 0) {
      const w = this.#watched[-1 - id];
      const text = w?.text();
      if (w && text) this.#dismissed = { ...this.#dismissed, [w.source]: text };
      return;
    }
    this.#entries = this.#entries.filter((e) => e.id !== id);
  }

  /** Forget the messages of a source (its control succeeded). */
  clear(source: NoticeSource): void {
    this.#entries = this.#entries.filter((e) => e.source !== source);
  }

  #push(e: Omit<Entry, 'id'>): number {
    const id = this.#next++;
    // One message per source: a new one replaces the last.
    this.#entries = [...this.#entries.filter((x) => x.source !== e.source), { ...e, id }];
    return id;
  }
}
