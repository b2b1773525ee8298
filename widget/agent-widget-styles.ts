import { css } from 'lit';

/**
 * Layout of `<presence-agent-widget>`. The compact form fits the Webex Desktop header: at most 64 px tall and
 * about 240 px wide, two short lines beside a Momentum indicator and a Details button; the details open in a
 * top-layer popover so a header with `overflow: hidden` cannot clip them.
 */
export const agentWidgetStyles = css`
  :host {
    padding: 8px;
    border-radius: var(--tpc-radius);
  }
  :host([compact]:not([compact='false'])) {
    display: inline-block;
    padding: 0 4px;
    max-height: 64px;
    max-width: 240px;
    background: transparent;
  }
  .bar {
    display: flex;
    align-items: center;
    gap: 8px;
    min-height: 40px;
  }
  :host([compact]:not([compact='false'])) .bar {
    height: 48px;
    max-width: 232px;
  }
  .indicator {
    flex: none;
    width: 10px;
    height: 10px;
    border-radius: 50%;
    background: var(--tpc-offline);
  }
  .indicator.tone-available {
    background: var(--tpc-available);
  }
  .indicator.tone-busy {
    background: var(--tpc-busy);
  }
  .indicator.tone-dnd {
    background: var(--tpc-dnd);
  }
  .indicator.tone-away {
    background: var(--tpc-away);
  }
  .lines {
    display: flex;
    flex-direction: column;
    min-width: 0;
    flex: 1 1 auto;
  }
  .primary,
  .secondary {
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .primary {
    font-weight: var(--mds-font-apps-body-large-medium-font-weight);
  }
  .secondary {
    font-size: var(--mds-font-size-body-small);
    line-height: var(--mds-font-lineheight-body-small);
    color: var(--tpc-muted);
  }
  .bar-button {
    display: flex;
    align-items: center;
    gap: 8px;
    width: 100%;
    min-width: 0;
    height: 48px;
    min-height: 48px;
    padding: 4px 8px;
    border: none;
    border-radius: var(--tpc-radius);
    background: transparent;
    color: inherit;
    text-align: start;
    cursor: pointer;
  }
  .bar-button:hover {
    background: var(--mds-color-theme-button-secondary-hover);
  }
  .bar-button:active {
    background: var(--mds-color-theme-button-secondary-pressed);
  }
  .chevron {
    flex: none;
    width: 7px;
    height: 7px;
    margin: 0 2px 4px 4px;
    border-right: 2px solid currentColor;
    border-bottom: 2px solid currentColor;
    transform: rotate(45deg);
    opacity: 0.8;
  }
  .bar-button[aria-expanded='true'] .chevron {
    transform: rotate(225deg);
    margin-bottom: 0;
    margin-top: 4px;
  }
  .panel {
    display: flex;
    flex-direction: column;
    gap: 12px;
    margin-top: 8px;
  }
  .panel p {
    margin: 0;
  }
  .why {
    display: flex;
    flex-direction: column;
    gap: 6px;
  }
  .popover {
    position: fixed;
    inset: auto;
    margin: 0;
    max-height: min(520px, calc(100vh - 80px));
    overflow-y: auto;
    padding: 12px;
    color: var(--tpc-fg);
    background: var(--tpc-bg);
    border: 1px solid var(--mds-color-theme-outline-secondary-normal);
    border-radius: var(--tpc-radius);
    box-shadow: 0 6px 24px rgb(0 0 0 / 25%);
  }
  .popover:not(:popover-open) {
    display: none;
  }
  .pause-row {
    display: flex;
    align-items: center;
    flex-wrap: wrap;
    gap: 6px;
  }
  .pause-row .label {
    width: 100%;
    color: var(--tpc-muted);
  }
`;
