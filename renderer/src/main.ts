import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { connectApi } from './lib/api/connect.ts';

const target = document.getElementById('app')!;

function fatal(message: string) {
  target.innerHTML = '';
  const p = document.createElement('p');
  p.setAttribute('role', 'alert');
  p.style.cssText = 'margin:2em;font:16px system-ui;color:#c62828';
  p.textContent = message;
  target.append(p);
}

connectApi(fatal)
  .then((api) => {
    mount(App, { target, props: { api } });
  })
  .catch((e: unknown) => fatal(e instanceof Error ? e.message : String(e)));
