/**
 * `html`: htm bound to preact's `h`, so the components are written as tagged templates and need no
 * JSX compiler.
 * @module
 */
import htm from 'htm';
import { type ComponentChildren, h, type VNode } from 'preact';

/** Preact elements from a tagged template: html`<p class="x">${text}</p>`. */
export const html = htm.bind(h) as (strings: TemplateStringsArray, ...values: unknown[]) => VNode;

/** What a component may render. */
export type Children = ComponentChildren;
