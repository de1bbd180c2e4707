"""Scheduling (projects/scheduling.py): dependency propagation and cycle detection, property-tested."""

from datetime import date, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from projects.scheduling import (
    CycleError,
    Link,
    Span,
    downstream,
    earliest_start,
    find_cycle,
    parent_cycle,
    propagate,
    rollup,
    topological_order,
    violations,
    would_create_cycle,
)

BASE = date(2026, 1, 1)


@st.composite
def dags(draw, max_nodes=25):
    """A random DAG: edges only from a lower to a higher node number, with lags from -2 to 5 days."""
    n = draw(st.integers(min_value=1, max_value=max_nodes))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n))
    links = {}
    for a, b in pairs:
        if a < b:
            links[(a, b)] = Link(a, b, draw(st.integers(-2, 5)))
    return list(range(n)), list(links.values())


@st.composite
def schedules(draw, max_nodes=25):
    nodes, links = draw(dags(max_nodes))
    schedule = {}
    for node in nodes:
        start = BASE + timedelta(days=draw(st.integers(0, 60)))
        schedule[node] = Span(start, start + timedelta(days=draw(st.integers(0, 10))))
    return schedule, links


@st.composite
def feasible_schedules(draw, max_nodes=25):
    """A schedule whose dates already respect every link (as a saved plan normally does)."""
    schedule, links = draw(schedules(max_nodes))
    settled = dict(schedule)
    for node in topological_order(settled, links):
        bounds = [earliest_start(settled[lk.predecessor].end, lk.lag) for lk in links if lk.successor == node]
        settled[node] = settled[node].shifted_to(max([settled[node].start, *bounds]))
    return settled, links


# ---- cycle detection -----------------------------------------------------------------------------

@given(dags())
def test_a_dag_has_no_cycle(graph):
    nodes, links = graph
    assert find_cycle(nodes, links) is None
    order = topological_order(nodes, links)
    position = {n: i for i, n in enumerate(order)}
    assert all(position[lk.predecessor] < position[lk.successor] for lk in links)


@given(dags(), st.data())
def test_a_back_edge_along_a_path_is_found(graph, data):
    nodes, links = graph
    assume(links)
    # Walk a path from some link's predecessor, then close it back to its start.
    link = data.draw(st.sampled_from(links))
    path = [link.predecessor, link.successor]
    outgoing = {}
    for lk in links:
        outgoing.setdefault(lk.predecessor, []).append(lk.successor)
    while outgoing.get(path[-1]) and data.draw(st.booleans()):
        path.append(data.draw(st.sampled_from(outgoing[path[-1]])))
    closing = Link(path[-1], path[0])
    assert would_create_cycle(links, closing.predecessor, closing.successor)
    cycle = find_cycle(nodes, [*links, closing])
    assert cycle is not None and cycle[0] == cycle[-1]
    edges = {(lk.predecessor, lk.successor) for lk in [*links, closing]}
    assert all((a, b) in edges for a, b in zip(cycle, cycle[1:], strict=False)), "the cycle follows real links"
    try:
        topological_order(nodes, [*links, closing])
    except CycleError as exc:
        assert exc.cycle
    else:
        raise AssertionError("a cyclic graph has no topological order")


@given(dags(), st.data())
def test_a_forward_edge_never_makes_a_cycle(graph, data):
    nodes, links = graph
    assume(len(nodes) >= 2)
    a = data.draw(st.integers(0, len(nodes) - 2))
    b = data.draw(st.integers(a + 1, len(nodes) - 1))
    assert not would_create_cycle(links, a, b)
    assert would_create_cycle(links, a, a), "a task never depends on itself"


def test_cycle_examples():
    assert find_cycle([1, 2, 3], [Link(1, 2), Link(2, 3), Link(3, 1)]) in ([1, 2, 3, 1], [2, 3, 1, 2], [3, 1, 2, 3])
    assert parent_cycle({1: None, 2: 1, 3: 2}) is None
    assert parent_cycle({1: 3, 2: 1, 3: 2}) is not None


# ---- propagation ---------------------------------------------------------------------------------

@settings(max_examples=150)
@given(feasible_schedules(), st.data())
def test_moving_a_task_moves_its_successors_as_far_as_needed(case, data):
    schedule, links = case
    assert not violations(schedule, links)
    moved = data.draw(st.sampled_from(sorted(schedule)))
    new_start = schedule[moved].start + timedelta(days=data.draw(st.integers(-15, 30)))
    changed = propagate(schedule, links, {moved: new_start})
    result = {**schedule, **changed}
    # 1. every dependency holds afterwards
    assert not violations(result, links)
    # 2. every task keeps its duration
    assert all(result[k].days == schedule[k].days for k in schedule)
    # 3. only the moved task and its successors (direct or not) change
    reach = downstream(links, [moved])
    assert set(changed) <= reach
    # 4. no successor moves earlier, and a successor moves only as far as a link requires (tight)
    for key, span in changed.items():
        if key == moved:
            continue
        assert span.start > schedule[key].start
        bounds = [earliest_start(result[lk.predecessor].end, lk.lag) for lk in links if lk.successor == key]
        assert span.start == max(bounds)
    # 5. the moved task lands where it was dropped unless its own predecessors forbid it
    bounds = [earliest_start(result[lk.predecessor].end, lk.lag) for lk in links if lk.successor == moved]
    assert result[moved].start == max([new_start, *bounds])


def test_propagation_example_with_lag():
    schedule = {"a": Span(date(2026, 3, 2), date(2026, 3, 6)), "b": Span(date(2026, 3, 9), date(2026, 3, 10)),
                "c": Span(date(2026, 3, 20), date(2026, 3, 20))}
    links = [Link("a", "b", 2), Link("b", "c")]
    changed = propagate(schedule, links, {"a": date(2026, 3, 5)})
    assert changed["a"] == Span(date(2026, 3, 5), date(2026, 3, 9))
    assert changed["b"] == Span(date(2026, 3, 12), date(2026, 3, 13)), "the day after a ends plus 2 days of lag"
    assert "c" not in changed, "c had slack and keeps its dates"


def test_rollup_spans_children():
    schedule = {1: Span(BASE, BASE), 2: Span(BASE + timedelta(3), BASE + timedelta(5)),
                3: Span(BASE + timedelta(1), BASE + timedelta(9)), 4: Span(BASE, BASE)}
    spans = rollup(schedule, {1: None, 2: 1, 3: 4, 4: 1})
    assert spans[4] == Span(BASE + timedelta(1), BASE + timedelta(9))
    assert spans[1] == Span(BASE + timedelta(1), BASE + timedelta(9))
