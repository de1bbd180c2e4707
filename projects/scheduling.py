"""Work plan scheduling: finish-to-start dependencies with lag, cycle detection, propagation. Pure functions.

Dates are calendar days. A finish-to-start link ``A → B`` with lag ``L`` means B starts at the earliest on
the day after A ends plus L days: ``B.start >= A.end + 1 + L`` (L may be negative: overlap).

`propagate` moves tasks and pushes their successors forward just as far as the links require: a
successor with slack keeps its dates; a task never moves earlier because another task moved; every
task keeps its duration. Tasks that are not downstream of a moved task never change. No Django here.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

Key = Hashable
WHITE, GREY, BLACK = 0, 1, 2  # depth-first search colours


@dataclass(frozen=True)
class Link:
    predecessor: Key
    successor: Key
    lag: int = 0


@dataclass(frozen=True)
class Span:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def shifted_to(self, start: date) -> Span:
        return Span(start, start + timedelta(days=self.days))


class CycleError(ValueError):
    def __init__(self, cycle):
        super().__init__(f"dependency cycle: {' → '.join(map(str, cycle))}")
        self.cycle = cycle


def _successors(links: Iterable[Link]) -> dict[Key, list[Link]]:
    graph = defaultdict(list)
    for link in links:
        graph[link.predecessor].append(link)
    return graph


def find_cycle(nodes: Iterable[Key], links: Iterable[Link]) -> list[Key] | None:
    """A cycle as [a, b, ..., a], or None. Iterative depth-first search (no recursion limit)."""
    links = list(links)
    graph = _successors(links)
    all_nodes = list(dict.fromkeys([*nodes, *(lk.predecessor for lk in links), *(lk.successor for lk in links)]))
    colour = dict.fromkeys(all_nodes, WHITE)
    for root in all_nodes:
        if colour[root] != WHITE:
            continue
        path, stack = [root], [iter(graph[root])]
        colour[root] = GREY
        while stack:
            link = next(stack[-1], None)
            if link is None:
                colour[path.pop()] = BLACK
                stack.pop()
                continue
            node = link.successor
            if colour[node] == GREY:
                return path[path.index(node):] + [node]
            if colour[node] == WHITE:
                colour[node] = GREY
                path.append(node)
                stack.append(iter(graph[node]))
    return None


def would_create_cycle(links: Iterable[Link], predecessor: Key, successor: Key) -> bool:
    """True when adding predecessor → successor closes a cycle (successor already reaches predecessor)."""
    if predecessor == successor:
        return True
    graph = _successors(links)
    seen, queue = {successor}, deque([successor])
    while queue:
        node = queue.popleft()
        for link in graph[node]:
            if link.successor == predecessor:
                return True
            if link.successor not in seen:
                seen.add(link.successor)
                queue.append(link.successor)
    return False


def topological_order(nodes: Iterable[Key], links: Iterable[Link]) -> list[Key]:
    """Nodes so that every predecessor comes before its successors (Kahn); CycleError on a cycle."""
    links = list(links)
    nodes = list(dict.fromkeys([*nodes, *(lk.predecessor for lk in links), *(lk.successor for lk in links)]))
    indegree = dict.fromkeys(nodes, 0)
    graph = _successors(links)
    for link in links:
        indegree[link.successor] += 1
    queue = deque(n for n in nodes if indegree[n] == 0)
    order = []
    while queue:
        node = queue.popleft()
        order.append(node)
        for link in graph[node]:
            indegree[link.successor] -= 1
            if indegree[link.successor] == 0:
                queue.append(link.successor)
    if len(order) != len(nodes):
        raise CycleError(find_cycle(nodes, links) or [])
    return order


def earliest_start(predecessor_end: date, lag: int) -> date:
    return predecessor_end + timedelta(days=1 + lag)


def violations(schedule: Mapping[Key, Span], links: Iterable[Link]) -> list[Link]:
    """Links whose successor starts before the predecessor's end (plus one day and the lag) allows."""
    return [lk for lk in links if lk.predecessor in schedule and lk.successor in schedule
            and schedule[lk.successor].start < earliest_start(schedule[lk.predecessor].end, lk.lag)]


def downstream(links: Iterable[Link], roots: Iterable[Key]) -> set[Key]:
    graph = _successors(links)
    seen, queue = set(roots), deque(roots)
    while queue:
        for link in graph[queue.popleft()]:
            if link.successor not in seen:
                seen.add(link.successor)
                queue.append(link.successor)
    return seen


def propagate(schedule: Mapping[Key, Span], links: Iterable[Link], moves: Mapping[Key, date],
              respect_predecessors: bool = True) -> dict[Key, Span]:
    """Move tasks to new starts (`moves`) and push their successors; returns {key: new Span} of changed tasks.

    A moved task keeps its duration. With `respect_predecessors`, a move earlier than the task's own
    predecessors allow is clamped to the earliest allowed start. Raises CycleError on a cycle.
    """
    links = list(links)
    affected = downstream(links, moves)
    order = topological_order(schedule, links)
    incoming = defaultdict(list)
    for link in links:
        incoming[link.successor].append(link)
    result = dict(schedule)
    for key in order:
        if key not in affected or key not in result:
            continue
        span = result[key]
        bounds = [earliest_start(result[lk.predecessor].end, lk.lag) for lk in incoming[key]
                  if lk.predecessor in result]
        if key in moves:
            span = span.shifted_to(moves[key])
            if not respect_predecessors:
                bounds = []
        start = max([span.start, *bounds])
        result[key] = span.shifted_to(start)
    return {k: v for k, v in result.items() if k in schedule and v != schedule[k]}


def rollup(schedule: Mapping[Key, Span], parents: Mapping[Key, Key | None]) -> dict[Key, Span]:
    """Spans of summary tasks: from their earliest child start to their latest child end (any depth)."""
    children = defaultdict(list)
    for child, parent in parents.items():
        if parent is not None:
            children[parent].append(child)
    memo: dict[Key, Span] = {}

    def span_of(key, depth=0):
        if key in memo:
            return memo[key]
        if depth > len(parents) + 1:
            raise CycleError([key])
        kids = children.get(key)
        if not kids:
            memo[key] = schedule[key]
            return memo[key]
        spans = [span_of(k, depth + 1) for k in kids]
        memo[key] = Span(min(s.start for s in spans), max(s.end for s in spans))
        return memo[key]

    return {key: span_of(key) for key in children if key in schedule}


def parent_cycle(parents: Mapping[Key, Key | None]) -> list[Key] | None:
    """A loop in the task tree (a task its own ancestor), or None."""
    links = [Link(parent, child) for child, parent in parents.items() if parent is not None]
    return find_cycle(parents, links)


def critical_path(schedule: Mapping[Key, Span], links: Iterable[Link]) -> tuple[set[Key], set[tuple[Key, Key]]]:
    """The tasks and links that drive the plan's finish date: the longest chain of finish-to-start links.

    A backward pass from the latest finish gives each task its latest allowed end (the earliest of its
    successors' latest starts, less one day and the lag; the plan's finish for a task without successors).
    A task whose latest end is its planned end has no slack: it is critical, and so is every link between
    two critical tasks that leaves no gap (the successor starts exactly when the link allows). The planned
    dates are taken as they are (a task placed later than its predecessors allow is not pulled back).
    Returns (critical task keys, critical (predecessor, successor) pairs). CycleError on a cycle.
    """
    links = [lk for lk in links if lk.predecessor in schedule and lk.successor in schedule]
    if not schedule:
        return set(), set()
    finish = max(span.end for span in schedule.values())
    graph = _successors(links)
    latest_end: dict[Key, date] = {}
    for key in reversed(topological_order(schedule, links)):
        bounds = [latest_end[lk.successor] - timedelta(days=schedule[lk.successor].days + 1 + lk.lag)
                  for lk in graph[key]]
        latest_end[key] = min([finish, *bounds])
    tasks = {key for key, span in schedule.items() if latest_end[key] <= span.end}
    pairs = {(lk.predecessor, lk.successor) for lk in links
             if lk.predecessor in tasks and lk.successor in tasks
             and schedule[lk.successor].start == earliest_start(schedule[lk.predecessor].end, lk.lag)}
    return tasks, pairs
