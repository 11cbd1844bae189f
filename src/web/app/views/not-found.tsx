// A console URL that names no view.
import { BASE } from '../router.ts';
import { Link } from '../ui/link.tsx';
import { View } from '../ui/view.tsx';

export function NotFound() {
  return (
    <View name="not-found" ready title="Not found">
      <p>
        No view at {location.pathname}. Back to the <Link href={`${BASE}/`}>overview</Link>.
      </p>
    </View>
  );
}
