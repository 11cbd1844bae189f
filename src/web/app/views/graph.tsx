// placeholder
import { View } from '../ui/view.tsx';
export function GraphView(_p: { query: URLSearchParams }) { return <View name="graph" ready title="graph" />; }
