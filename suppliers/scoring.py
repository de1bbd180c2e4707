"""Weighted scoring by several evaluators, blind until all have scored: a supplier's evaluation and a tender's
bid evaluation (procurement) score the same way.

Each criterion has a weight (the weights add up to 100); each evaluator gives each criterion a score from 0 to
100. A criterion's score is the mean of its evaluators' scores; the result is the weighted sum of those means,
rounded to two decimals. Until every evaluator has scored every criterion, an evaluator reads only their own scores
(no one is anchored by a colleague's), and no result is computed.
"""

from decimal import ROUND_HALF_UP, Decimal

HUNDREDTH = Decimal("0.01")


def complete(evaluators, criteria, scores) -> bool:
    """Whether every evaluator has scored every criterion; `scores` maps (evaluator, criterion) to a score."""
    return bool(evaluators) and bool(criteria) and all(
        scores.get((evaluator, criterion)) is not None for evaluator in evaluators for criterion in criteria)


def criterion_means(criteria, evaluators, scores) -> dict:
    """{criterion: the mean of its evaluators' scores} (exact), once complete; the result weights these."""
    return {criterion: sum(Decimal(str(scores[(e, criterion)])) for e in evaluators) / len(evaluators)
            for criterion in criteria}


def result(weights, evaluators, scores) -> Decimal | None:
    """The weighted result (0–100) once complete, else None. `weights` maps criterion to weight."""
    if not complete(evaluators, list(weights), scores):
        return None
    total_weight = sum(Decimal(str(w)) for w in weights.values())
    if not total_weight:
        return None
    means = criterion_means(weights, evaluators, scores)
    total = sum(means[criterion] * Decimal(str(weight)) for criterion, weight in weights.items())
    return (total / total_weight).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def visible(scores, reader, complete) -> dict:
    """The scores `reader` may read: all of them once scoring is complete, else only the reader's own. The keys
    start with the evaluator: (evaluator, criterion) here, (evaluator, bid, criterion) for a tender."""
    if complete:
        return dict(scores)
    return {key: value for key, value in scores.items() if key[0] == reader}
