import { css } from 'lit';
import { momentumDark, momentumLight } from './momentum-theme.js';

/**
 * Theme variables and base styles shared by the components, built on Momentum's Webex light and dark tokens
 * (`momentum-theme.ts`). The `--tpc-*` names the components use are aliases of Momentum tokens, so the
 * components look like the Webex Desktop around them and Momentum elements inside them (`mdc-button`) match.
 *
 * The `theme` attribute is 'light', 'dark' or 'auto' (follow the operating system). Webex Desktop binds
 * `$STORE.app.darkMode`, a boolean, so 'true' means dark and 'false' means light. Pages override any variable
 * from outside: `presence-agent-widget { --tpc-accent: #005e7d; }` wins over these `:host` defaults.
 */
export const themeStyles = css`
  :host {
    ${momentumLight}
    --tpc-bg: var(--mds-color-theme-background-solid-primary-normal);
    --tpc-fg: var(--mds-color-theme-text-primary-normal);
    --tpc-muted: var(--mds-color-theme-text-secondary-normal);
    --tpc-surface: var(--mds-color-theme-background-solid-secondary-normal);
    --tpc-border: var(--mds-color-theme-outline-input-normal);
    --tpc-accent: var(--mds-color-theme-button-primary-normal);
    --tpc-accent-fg: var(--mds-color-theme-inverted-text-primary-normal);
    --tpc-available: var(--mds-color-theme-indicator-stable);
    --tpc-idle: var(--mds-color-theme-indicator-unstable);
    --tpc-busy: var(--mds-color-theme-indicator-unstable);
    --tpc-dnd: var(--mds-color-theme-indicator-attention);
    --tpc-away: var(--mds-color-theme-indicator-caution);
    --tpc-offline: var(--mds-color-theme-indicator-locked);
    --tpc-engaged: var(--mds-color-theme-indicator-secure);
    --tpc-error: var(--mds-color-theme-text-error-normal);
    --tpc-success: var(--mds-color-theme-text-success-normal);
    --tpc-warning-bg: var(--mds-color-theme-background-alert-warning-normal);
    --tpc-warning-fg: var(--mds-color-theme-text-warning-normal);
    --tpc-info-bg: var(--mds-color-theme-background-alert-theme-normal);
    --tpc-focus: var(--mds-color-theme-focus-default-1);
    --tpc-radius: 8px;
    --tpc-font: var(--mds-font-family-primary);
    color-scheme: light;
    display: block;
    position: relative;
    box-sizing: border-box;
    font-family: var(--tpc-font);
    font-size: var(--mds-font-size-body-midsize);
    line-height: var(--mds-font-lineheight-body-midsize);
    color: var(--tpc-fg);
    background: var(--tpc-bg);
  }
  :host([theme='dark']),
  :host([theme='true']) {
    ${momentumDark}
    color-scheme: dark;
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme])),
    :host([theme='auto']),
    :host([theme='']) {
      ${momentumDark}
      color-scheme: dark;
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
  .tone-busy {
    background: var(--tpc-busy);
  }
  .tone-dnd {
    background: var(--tpc-dnd);
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
