import { css } from 'lit';

/** Buttons, fields, focus rings and chips, the same in every element. */
export const controlStyles = css`
  :host {
    box-sizing: border-box;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  button,
  input {
    font: inherit;
    color: inherit;
  }
  button {
    cursor: pointer;
    border: 1px solid var(--mien-border);
    border-radius: calc(var(--mien-radius) * 0.7);
    background: var(--mien-surface-raised);
    padding: 0.35rem 0.8rem;
    min-height: 2.1rem;
  }
  button:hover:not(:disabled) {
    border-color: var(--mien-muted);
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.5;
  }
  button.primary {
    background: var(--mien-accent);
    border-color: var(--mien-accent);
    color: var(--mien-accent-text);
    font-weight: 600;
  }
  button.danger {
    border-color: var(--mien-bad);
    color: var(--mien-bad);
  }
  button.quiet {
    background: transparent;
    border-color: transparent;
    color: var(--mien-muted);
  }
  input[type='text'],
  input[type='number'],
  input[type='password'] {
    background: var(--mien-bg);
    border: 1px solid var(--mien-border);
    border-radius: calc(var(--mien-radius) * 0.7);
    padding: 0.35rem 0.6rem;
    min-height: 2.1rem;
  }
  :focus-visible {
    outline: 2px solid var(--mien-accent);
    outline-offset: 2px;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  .muted {
    color: var(--mien-muted);
  }
  .chip {
    display: inline-flex;
    align-items: center;
    gap: 0.3em;
    padding: 0.05rem 0.55rem;
    border-radius: 999px;
    font-size: 0.85em;
    border: 1px solid var(--tag-colour, var(--mien-border));
    background: color-mix(in srgb, var(--tag-colour, var(--mien-border)) 22%, transparent);
    white-space: nowrap;
  }
`;

/** A raised panel: streams, people and expressions are each shown on one. */
export const cardStyles = css`
  .card {
    background: var(--mien-surface);
    border: 1px solid var(--mien-border);
    border-radius: var(--mien-radius);
    overflow: hidden;
  }
`;

/**
 * The grid every view lays its cards on: one column on a phone, as many as fit on a wall, and a
 * few cards on a wide screen grow up to --grid-max rather than stay small in a corner.
 */
export const gridStyles = css`
  .grid {
    display: grid;
    gap: var(--mien-gap);
    grid-template-columns: repeat(auto-fit, minmax(min(100%, var(--grid-min, 22rem)), var(--grid-max, 1fr)));
  }
  .empty {
    border: 1px dashed var(--mien-border);
    border-radius: var(--mien-radius);
    padding: 2rem;
    text-align: center;
    color: var(--mien-muted);
  }
  .empty code {
    font-family: var(--mien-mono);
    color: var(--mien-text);
  }
`;
