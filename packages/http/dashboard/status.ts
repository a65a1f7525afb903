/**
 * The per-job status page's entry: mounts {@link StatusPage} for the queue and job the server wrote
 * into the page. Bundled with its style sheet into `dist/assets/status.js` and `status.css`.
 * @module
 */
import './styles/status.css';
import { render } from 'preact';
import { meta } from './api.js';
import { html } from './html.js';
import { StatusPage } from './status-page.js';

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(html`<${StatusPage} queue=${meta('waitline-queue')} jobId=${meta('waitline-job')} />`, root);
}
