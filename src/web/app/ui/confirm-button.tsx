// A button for something that cannot be undone: the first click arms it, the
// second (within a few seconds) does it. No window.confirm(), which blocks the page.
import { useEffect, useState } from 'preact/hooks';

export function ConfirmButton(props: { label: string; confirm: string; onConfirm: () => void; disabled?: boolean; testid?: string }) {
  const [armed, setArmed] = useState(false);
  useEffect(() => {
    if (!armed) return;
    const t = setTimeout(() => setArmed(false), 4000);
    return () => clearTimeout(t);
  }, [armed]);
  return (
    <button
      type="button"
      class="danger small"
      data-testid={props.testid}
      disabled={props.disabled}
      onClick={() => {
        if (armed) {
          setArmed(false);
          props.onConfirm();
        } else setArmed(true);
      }}
    >
      {armed ? props.confirm : props.label}
    </button>
  );
}
