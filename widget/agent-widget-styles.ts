import { css } from 'lit';

/**
 * Layout of `<presence-agent-widget>`. The compact form is one line no taller than 64 px (the Webex Desktop header
 * limit); its details open in a top-layer popover so a header with `overflow: hidden` cannot clip them.
 */
export const agentWidgetStyles = css`
  :host {
    padding: 8px;
    border-radius: var(--tpc-radius);
  }
  :host([compact]:not([compact='false'])) {
    padding: 0 6px;
    max-height: 64px;
    background: transparent;
  }
  .bar {
    display: flex;
    align-items: center;
    gap: 10px;
    min-height: 40px;
    flex-wrap: wrap;
  }
  :host([compact]:not([compact='false'])) .bar {
    flex-wrap: nowrap;
    height: 40px;
    overflow: hidden;
    white-space: nowrap;
  }
  .state-chip {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    font-weight: 600;
    min-width: 0;
  }
  [hidden] {
    display: none !important;
  }
  .time {
    font-variant-numeric: tabular-nums;
    color: var(--tpc-muted);
  }
  .badge {
    font-size: 0.8em;
    font-weight: 600;
    padding: 1px 6px;
    border-radius: 999px;
    border: 1px solid var(--tpc-accent);
    color: var(--tpc-accent);
  }
  .presence {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .presence-label {
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .conn {
    display: inline-flex;
    align-items: center;
  }
  .conn-connected {
    background: var(--tpc-available);
  }
  .conn-connecting {
    background: var(--tpc-away);
  }
  .conn-disconnected {
    background: var(--tpc-offline);
    box-shadow: inset 0 0 0 2px var(--tpc-error);
  }
  .toggle {
    margin-left: auto;
    min-height: 28px;
    padding: 2px 10px;
  }
  .panel {
    display: flex;
    flex-direction: column;
    gap: 10px;
    margin-top: 8px;
  }
  .panel p {
    margin: 0;
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
    border: 1px solid var(--tpc-border);
    border-radius: var(--tpc-radius);
    box-shadow: 0 6px 24px rgb(0 0 0 / 25%);
  }
  .popover:not(:popover-open) {
    display: none;
  }
  .reason {
    font-weight: 500;
  }
  .pause-row {
    display: flex;
    align-items: center;
    flex-wrap: wrap;
    gap: 8px;
  }
  @media (max-width: 520px) {
    :host([compact]:not([compact='false'])) .presence-label,
    :host([compact]:not([compact='false'])) .time {
      display: none;
    }
  }
`;
