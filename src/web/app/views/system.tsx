// placeholder
import { View } from '../ui/view.tsx';
export function SystemView(_p: { name: string }) { return <View name="system" ready title="system" />; }
