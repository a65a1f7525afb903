/**
 * The dashboard's entry: mounts {@link App} on `#app`. Bundled with its style sheet into
 * `dist/assets/dashboard.js` and `dashboard.css` when the package builds.
 * @module
 */
import './styles/dashboard.css';
import { render } from 'preact';
import { App } from './app.js';
import { html } from './html.js';

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(html`<${App} />`, root);
}
