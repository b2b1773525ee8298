import { css } from 'lit';

/** The dark palette, used by an explicit dark theme and by 'auto' when the system prefers dark. */
const darkPalette = css`
  --tpc-bg: #1c1d21;
  --tpc-fg: #eceef1;
  --tpc-muted: #b4bac3;
  --tpc-surface: #2a2c31;
  --tpc-border: #7d8591;
  --tpc-accent: #8cc4ff;
  --tpc-accent-fg: #0d1b2a;
  --tpc-available: #6fd08c;
  --tpc-idle: #ff8a80;
  --tpc-busy: #ff8a80;
  --tpc-away: #f2c14e;
  --tpc-offline: #a4abb5;
  --tpc-engaged: #cfa8ff;
  --tpc-error: #ff8a80;
  --tpc-warning-bg: #3d3010;
  --tpc-warning-fg: #ffe3a3;
  --tpc-focus: #8cc4ff;
  color-scheme: dark;
`;

/**
 * Theme variables and base styles shared by the three components.
 *
 * The `theme` attribute is 'light', 'dark' or 'auto' (follow the operating system). Webex Desktop binds
 * `$STORE.app.darkMode`, a boolean, so 'true' means dark and 'false' means light. Every colour below meets
 * WCAG AA (4.5:1) against its own `--tpc-bg`. Pages override any variable from outside:
 * `presence-agent-widget { --tpc-accent: #005e7d; }` wins over these `:host` defaults.
 */
export const themeStyles = css`
  :host {
    --tpc-bg: #ffffff;
    --tpc-fg: #1b1f24;
    --tpc-muted: #4a5360;
    --tpc-surface: #f2f4f7;
    --tpc-border: #8a94a3;
    --tpc-accent: #0b5cad;
    --tpc-accent-fg: #ffffff;
    --tpc-available: #137333;
    --tpc-idle: #b3261e;
    --tpc-busy: #b3261e;
    --tpc-away: #8a5a00;
    --tpc-offline: #5f6670;
    --tpc-engaged: #6b3fa0;
    --tpc-error: #b3261e;
    --tpc-warning-bg: #fff4d6;
    --tpc-warning-fg: #5c3d00;
    --tpc-focus: #0b5cad;
    --tpc-radius: 6px;
    --tpc-font: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;
    color-scheme: light;
    display: block;
    position: relative;
    box-sizing: border-box;
    font-family: var(--tpc-font);
    font-size: 14px;
    line-height: 1.4;
    color: var(--tpc-fg);
    background: var(--tpc-bg);
  }
  :host([theme='dark']),
  :host([theme='true']) {
    ${darkPalette}
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme])),
    :host([theme='auto']),
    :host([theme='']) {
      ${darkPalette}
    }
  }
`;

/**
 * Controls, dots and tables in the theme's colours. Nested components use only this (not {@link themeStyles}),
 * so they inherit the variables of the component that hosts them instead of resetting them.
 */
export const baseStyles = css`
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  button,
  input,
  select,
  textarea {
    font: inherit;
    color: var(--tpc-fg);
    background: var(--tpc-bg);
    border: 1px solid var(--tpc-border);
    border-radius: var(--tpc-radius);
    padding: 4px 8px;
    min-height: 32px;
  }
  button {
    cursor: pointer;
    background: var(--tpc-surface);
  }
  button.primary {
    background: var(--tpc-accent);
    color: var(--tpc-accent-fg);
    border-color: var(--tpc-accent);
  }
  button.danger {
    color: var(--tpc-error);
    border-color: var(--tpc-error);
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.55;
  }
  :focus-visible {
    outline: 2px solid var(--tpc-focus);
    outline-offset: 2px;
  }
  [aria-invalid='true'] {
    border-color: var(--tpc-error);
    border-width: 2px;
  }
  .field-error,
  .error {
    color: var(--tpc-error);
  }
  .muted {
    color: var(--tpc-muted);
  }
  .notice {
    background: var(--tpc-warning-bg);
    color: var(--tpc-warning-fg);
    border-radius: var(--tpc-radius);
    padding: 6px 10px;
  }
  .dot {
    display: inline-block;
    flex: none;
    width: 10px;
    height: 10px;
    border-radius: 50%;
    background: var(--tpc-offline);
    vertical-align: middle;
  }
  .tone-available {
    background: var(--tpc-available);
  }
  .tone-busy,
  .tone-dnd {
    background: var(--tpc-busy);
  }
  .tone-away {
    background: var(--tpc-away);
  }
  .tone-offline,
  .tone-unknown {
    background: var(--tpc-offline);
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  h2,
  h3 {
    margin: 0 0 8px;
    font-size: 1.05em;
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  th,
  td {
    text-align: left;
    padding: 4px 6px;
    border-bottom: 1px solid var(--tpc-surface);
    vertical-align: middle;
  }
`;
