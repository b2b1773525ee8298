import { css } from 'lit';

/** Styles of `<presence-connector-admin>` and its sections. */
export const adminStyles = css`
  :host {
    padding: 16px;
    max-width: 960px;
  }
  section {
    margin-top: 20px;
  }
  .head {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 10px;
  }
  .badge {
    font-weight: 700;
    padding: 2px 10px;
    border-radius: 999px;
    border: 2px solid currentColor;
  }
  .badge[data-lifecycle='active'] {
    color: var(--tpc-success);
  }
  .badge[data-lifecycle='inactive'] {
    color: var(--tpc-warning-fg);
  }
  .badge[data-lifecycle='unconfigured'],
  .badge[data-lifecycle='deleted'] {
    color: var(--tpc-muted);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    margin-top: 12px;
  }
  .perms {
    list-style: none;
    padding: 0;
    margin: 0;
  }
  .perms li {
    display: flex;
    gap: 8px;
    align-items: baseline;
    padding: 2px 0;
  }
  .ok {
    color: var(--tpc-success);
    font-weight: 700;
  }
  .bad {
    color: var(--tpc-error);
    font-weight: 700;
  }
  a {
    color: var(--mds-color-theme-text-accent-normal);
  }
  th[scope='row'] {
    font-weight: 500;
    width: 45%;
  }
  dl.generic {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 2px 12px;
    margin: 0;
  }
  dl.generic dd {
    margin: 0;
  }
  ul.generic {
    margin: 0;
    padding-left: 18px;
  }
  dialog {
    color: var(--tpc-fg);
    background: var(--tpc-bg);
    border: 1px solid var(--tpc-border);
    border-radius: var(--tpc-radius);
    max-width: min(480px, calc(100vw - 32px));
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 45%);
  }
  dialog .row {
    display: flex;
    justify-content: flex-end;
    gap: 8px;
    margin-top: 12px;
  }
`;
