import { css } from 'lit';

/** Layout of `<presence-mapping-editor>`: one column on narrow screens, fields side by side on wide ones. */
export const mappingEditorStyles = css`
  :host {
    padding: 16px;
    max-width: 960px;
  }
  section,
  form,
  fieldset {
    margin-top: 16px;
  }
  fieldset {
    border: 1px solid var(--tpc-border);
    border-radius: var(--tpc-radius);
    padding: 8px 12px 12px;
  }
  legend {
    font-weight: 600;
    padding: 0 4px;
  }
  .toolbar,
  .save-row {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
  }
  .fields {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(240px, 1fr));
    gap: 12px;
    margin-top: 12px;
  }
  .fields label {
    display: flex;
    flex-direction: column;
    gap: 4px;
    font-weight: 600;
  }
  .fields label.check {
    flex-direction: row;
    align-items: center;
    font-weight: 400;
  }
  .fields .muted,
  .field-error {
    font-weight: 400;
    font-size: 0.9em;
  }
  td .field-error {
    display: block;
  }
  td.order {
    width: 2em;
    color: var(--tpc-muted);
  }
  td.actions {
    white-space: nowrap;
  }
  td.actions button {
    min-width: 32px;
  }
  select {
    max-width: 100%;
  }
  .save-row {
    margin-top: 12px;
  }
  @media (max-width: 560px) {
    :host {
      padding: 8px;
    }
    thead {
      display: none;
    }
    tr {
      display: grid;
      grid-template-columns: 2em 1fr;
      padding: 6px 0;
      border-bottom: 1px solid var(--tpc-surface);
    }
    td.actions {
      grid-column: 2;
    }
  }
`;
