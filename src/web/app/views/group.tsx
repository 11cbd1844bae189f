// placeholder
import { View } from '../ui/view.tsx';
export function GroupView(_p: { group: string }) { return <View name="group" ready title="group" />; }
