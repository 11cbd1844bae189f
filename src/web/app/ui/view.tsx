// The frame of every view: its root carries data-view (which view this is) and
// data-ready="true" once its first data has rendered, the hooks the browser
// tests wait on; a title, and the last error the data source gave.
import type { ComponentChildren } from 'preact';

export function View(props: { name: string; ready: boolean; title: ComponentChildren; actions?: ComponentChildren; error?: string; children?: ComponentChildren }) {
  return (
    <section class="view" data-view={props.name} data-ready={props.ready ? 'true' : 'false'}>
      <header class="view-head">
        <h1>{props.title}</h1>
        {props.actions ? <div class="view-actions">{props.actions}</div> : null}
      </header>
      {props.error ? <ErrorLine text={props.error} /> : null}
      {props.children}
    </section>
  );
}

export function ErrorLine(props: { text: string | undefined }) {
  return props.text ? (
    <p class="error" role="alert">
      {props.text}
    </p>
  ) : null;
}

export function Card(props: { title?: ComponentChildren; children: ComponentChildren; class?: string; testid?: string }) {
  return (
    <div class={`card ${props.class ?? ''}`} data-testid={props.testid}>
      {props.title ? <h2>{props.title}</h2> : null}
      {props.children}
    </div>
  );
}

/** A figure with its label: the overview's tiles. */
export function Stat(props: { label: string; value: ComponentChildren; hint?: ComponentChildren; testid?: string }) {
  return (
    <div class="stat">
      <div class="stat-label">{props.label}</div>
      <div class="stat-value" data-testid={props.testid}>
        {props.value}
      </div>
      {props.hint ? <div class="stat-hint">{props.hint}</div> : null}
    </div>
  );
}

/** A table that scrolls sideways on a narrow screen instead of widening the page. */
export function TableBox(props: { children: ComponentChildren }) {
  return <div class="table-box">{props.children}</div>;
}

/** A column's heading; a column of figures is right-aligned (class "num"). */
export type Column = string | { label: string; num: true };

/** The views' table: the headings, then its rows (the children), in a TableBox. */
export function Table(props: { columns: Column[]; class?: string; children: ComponentChildren }) {
  return (
    <TableBox>
      <table class={props.class}>
        <thead>
          <tr>
            {props.columns.map((c, i) =>
              typeof c === 'string' ? (
                <th key={i}>{c === '' ? null : c}</th>
              ) : (
                <th key={i} class="num">
                  {c.label}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </TableBox>
  );
}

export function Empty(props: { children: ComponentChildren }) {
  return <p class="empty">{props.children}</p>;
}
