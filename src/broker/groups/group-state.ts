// The classic group state machine. A group's state changes only through
// GroupStateMachine.transitionTo, which refuses any move Kafka's coordinator
// would not make:
//
//   Empty ──(member joins)──────────────▶ PreparingRebalance
//   PreparingRebalance ──(join phase done, members)──▶ CompletingRebalance
//   PreparingRebalance ──(join phase done, nobody left)──▶ Empty
//   CompletingRebalance ──(leader's SyncGroup)──▶ Stable
//   CompletingRebalance / Stable ──(join, leave, expiry, metadata change)──▶ PreparingRebalance
//   any state ──(DeleteGroups, broker close)──▶ Dead
//
// Names are Kafka's (DescribeGroups and ListGroups report them verbatim).

export const GroupState = {
  Empty: 'Empty',
  PreparingRebalance: 'PreparingRebalance',
  CompletingRebalance: 'CompletingRebalance',
  Stable: 'Stable',
  Dead: 'Dead',
} as const;
export type GroupState = (typeof GroupState)[keyof typeof GroupState];

export const ALL_GROUP_STATES: readonly GroupState[] = Object.values(GroupState);

/** For each target state, the states it may be entered from. */
const VALID_PREVIOUS: Readonly<Record<GroupState, readonly GroupState[]>> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

export function canTransition(from: GroupState, to: GroupState): boolean {
  return VALID_PREVIOUS[to].includes(from);
}

export class IllegalGroupStateTransition extends Error {
  constructor(
    readonly groupId: string,
    readonly from: GroupState,
    readonly to: GroupState,
  ) {
    super(`group ${groupId} cannot move from ${from} to ${to}`);
    this.name = 'IllegalGroupStateTransition';
  }
}

export class GroupStateMachine {
  private current: GroupState = GroupState.Empty;
  private previous: GroupState = GroupState.Empty;
  private since: number;

  constructor(
    private readonly groupId: string,
    now: number = Date.now(),
  ) {
    this.since = now;
  }

  get state(): GroupState {
    return this.current;
  }

  /** The state before the last transition (an initial rebalance is one entered from Empty). */
  get previousState(): GroupState {
    return this.previous;
  }

  /** When the current state was entered (ms since the epoch). */
  get stateTimestamp(): number {
    return this.since;
  }

  is(state: GroupState): boolean {
    return this.current === state;
  }

  /** A rebalance may start from Empty, Stable or CompletingRebalance. */
  get canRebalance(): boolean {
    return canTransition(this.current, GroupState.PreparingRebalance);
  }

  transitionTo(to: GroupState, now: number = Date.now()): void {
    if (!canTransition(this.current, to)) throw new IllegalGroupStateTransition(this.groupId, this.current, to);
    this.previous = this.current;
    this.current = to;
    this.since = now;
  }
}
