// An in-app link: a real <a href> (so it opens in a new tab too), followed
// through the history API on a plain click instead of a page load.
import type { ComponentChildren } from 'preact';
import { isPlainClick, navigate } from '../router.ts';

export function Link(props: { href: string; children: ComponentChildren; class?: string; current?: boolean; title?: string }) {
  return (
    <a
      href={props.href}
      class={props.class}
      title={props.title}
      aria-current={props.current ? 'page' : undefined}
      onClick={(e) => {
        if (!isPlainClick(e)) return;
        e.preventDefault();
        navigate(props.href);
      }}
    >
      {props.children}
    </a>
  );
}
