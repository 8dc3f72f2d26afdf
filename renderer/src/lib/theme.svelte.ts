/** Light or dark, remembered between sessions; the first choice follows the system's. */
export type Theme = 'light' | 'dark';

export class ThemeState {
  current = $state<Theme>('light');

  constructor() {
    const saved = localStorage.getItem('netwright.theme');
    this.current =
      saved === 'dark' || saved === 'light'
        ? saved
        : matchMedia('(prefers-color-scheme: dark)').matches
          ? 'dark'
          : 'light';
    document.documentElement.dataset.theme = this.current;
  }

  set(t: Theme): void {
    this.current = t;
    localStorage.setItem('netwright.theme', t);
    document.documentElement.dataset.theme = t;
  }

  toggle(): void {
    this.set(this.current === 'dark' ? 'light' : 'dark');
  }
}
