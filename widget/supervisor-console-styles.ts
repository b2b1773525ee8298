import { css } from 'lit';

/** Layout of the supervisor console and its parts; colours come from the theme variables of `theme-styles.ts`. */
export const consoleStyles = css`
  :host {
    display: block;
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    gap: 8px 12px;
    align-items: flex-end;
    margin-bottom: 8px;
  }
  .toolbar label {
    display: flex;
    flex-direction: column;
    gap: 2px;
    font-size: 0.9em;
  }
  .toolbar .grow {
    flex: 1 1 180px;
  }
  .grid-row {
    display: grid;
    grid-template-columns: minmax(140px, 1.4fr) minmax(90px, 1fr) minmax(130px, 1.2fr) minmax(150px, 1.4fr) minmax(90px, 0.8fr) minmax(110px, 1fr) minmax(140px, 1.3fr) 96px;
    align-items: center;
    gap: 0 8px;
    padding: 0 6px;
    min-height: 40px;
    border-bottom: 1px solid var(--tpc-surface);
    width: 100%;
  }
  .head {
    font-weight: 600;
    background: var(--tpc-surface);
    border-radius: var(--tpc-radius) var(--tpc-radius) 0 0;
  }
  .head button {
    border: 0;
    background: transparent;
    padding: 4px 0;
    min-height: 28px;
    font-weight: 600;
    text-align: left;
  }
  .cell {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .body {
    height: var(--tpc-console-rows-height, 480px);
    overflow: auto;
    display: block;
  }
  .two-lines {
    display: flex;
    flex-direction: column;
    line-height: 1.2;
  }
  .small {
    font-size: 0.85em;
  }
  .tag {
    display: inline-block;
    padding: 0 6px;
    border-radius: 10px;
    border: 1px solid var(--tpc-border);
    font-size: 0.85em;
    margin-right: 4px;
  }
  .tag.held {
    border-color: var(--tpc-idle);
  }
  .status {
    display: flex;
    gap: 12px;
    align-items: center;
    margin: 6px 0;
  }
  button.link {
    border: 0;
    background: transparent;
    color: var(--tpc-accent);
    text-decoration: underline;
    padding: 0 4px;
    min-height: 24px;
  }
  .bars text {
    fill: var(--tpc-fg);
    font-size: 12px;
  }
  .bars .bar {
    fill: var(--tpc-accent);
  }
  .bars .axis {
    stroke: var(--tpc-border);
  }
  .charts {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(360px, 1fr));
    gap: 16px;
  }
  figure {
    margin: 0;
    padding: 8px;
    border: 1px solid var(--tpc-surface);
    border-radius: var(--tpc-radius);
  }
  figcaption {
    font-weight: 600;
    margin-bottom: 4px;
  }
  dl.detail {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 4px 12px;
    margin: 8px 0;
  }
  dl.detail dt {
    font-weight: 600;
  }
  dl.detail dd {
    margin: 0;
  }
`;
