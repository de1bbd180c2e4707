"""Candidates from the service data (issue 13): on a seeded dataset with known recurring pairs, the ranking finds
exactly those pairs, in the documented order; an open problem's pair is not proposed again; one action opens it."""

from datetime import timedelta

from problems import candidates
from problems.tests.helpers import BASE, seed, set_clocks

WINDOW_END = BASE + timedelta(days=90)

# (category, item, priority, day): three recurring pairs, one repeatedly breaching pair with two tickets, and noise
# (pairs with fewer tickets and at most one breach) that must not be proposed.
RECURRING = [("网络", "核心交换机", "P2", d) for d in (2, 50, 60, 70, 80)] \
    + [("数据库", "Oracle 19c", "P1", d) for d in (5, 10, 15, 70)] \
    + [("桌面", "", "P4", d) for d in (20, 60, 85)]
BREACHING = [("打印机", "账单打印机", "P3", d) for d in (30, 31)]
# A category recurring over different items, none of them recurring on its own: proposed as the category.
SPREAD = [("软件", f"APP-{n}", "P3", d) for n, d in ((1, 3), (2, 9), (3, 12), (4, 33))]
NOISE = [("账号", "AD 域控", "P3", 40), ("账号", "AD 域控", "P3", 41), ("邮件", "Exchange", "P2", 42),
         ("", "", "P4", 43), ("", "", "P4", 44), ("", "", "P4", 45)]


def test_rank_is_pure_and_ordered():
    rows = [(1, "a", "x", 5, 1, 0), (1, "b", "", 5, 4, 0), (1, "c", "y", 2, 1, 2), (1, "d", "z", 2, 1, 1),
            (1, "", "", 9, 1, 9), (1, "e", "w", 7, 3, 0)]
    found = candidates.rank(rows, explained={(1, "e", "w")}, count_at_least=3, breaches_at_least=2)
    # by count, then trend (second half - first half): a (+3) before b (-3); c qualifies by its breaches
    assert [(c.category, c.count, c.trend) for c in found] == [("a", 5, 3), ("b", 5, -3), ("c", 2, 0)]
    # A category spread over items: proposed as the category (no item) only when none of its pairs recurs.
    spread = [(1, "f", f"i{n}", 1, 1, 0) for n in range(4)] + [(1, "g", "j1", 3, 0, 0), (1, "g", "j2", 1, 1, 0)]
    found = candidates.rank(spread, count_at_least=3, breaches_at_least=2)
    assert [(c.category, c.configuration_item, c.count) for c in found] == [("f", "", 4), ("g", "j1", 3)]
    assert candidates.rank(spread, explained={(None, "f", "")}, count_at_least=3, breaches_at_least=2)[0].category \
        == "g"


def test_candidates_find_exactly_the_recurring_pairs(contract, demo):
    staff = demo["svc_staff"]
    seed(contract, staff, RECURRING + SPREAD + NOISE, prefix="C")
    breaching = seed(contract, staff, BREACHING, prefix="B")
    set_clocks(breaching, False, True)
    found = candidates.candidates([contract], end=WINDOW_END, days=90)
    assert [(c.category, c.configuration_item, c.count, c.breaches) for c in found] == [
        ("网络", "核心交换机", 5, 0), ("数据库", "Oracle 19c", 4, 0), ("软件", "", 4, 0), ("桌面", "", 3, 0),
        ("打印机", "账单打印机", 2, 2)]
    network = found[0]
    assert (network.first_half, network.second_half, network.trend) == (1, 4, 3)


def test_open_problem_links_the_pair_and_hides_it(contract, demo):
    staff = demo["svc_staff"]
    seed(contract, staff, RECURRING, prefix="O")
    problem = candidates.open_problem(contract, "网络", "核心交换机", staff, end=WINDOW_END)
    assert problem.status == "draft" and problem.contract == contract
    assert problem.title == "网络 · 核心交换机"
    assert problem.tickets.count() == 5
    found = candidates.candidates([contract], end=WINDOW_END)
    assert ("网络", "核心交换机") not in {(c.category, c.configuration_item) for c in found}


def test_candidates_api_and_open(contract, demo, client_for):
    staff = demo["svc_staff"]
    seed(contract, staff, RECURRING, prefix="A")
    client = client_for("svc_staff")
    listed = client.get("/api/problems/problems/candidates/", {"contract": contract.pk, "days": 90})
    assert listed.status_code == 200
    response = client.post("/api/problems/problems/from-candidate/",
                           {"contract": contract.pk, "category": "数据库", "configuration_item": "Oracle 19c"},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["title"] == "数据库 · Oracle 19c"
    refused = client_for("auditor").post("/api/problems/problems/from-candidate/",
                                         {"contract": contract.pk, "category": "数据库"},
                                         content_type="application/json")
    assert refused.status_code == 403


def test_candidates_page_opens_a_problem(contract, demo, client_for):
    seed(contract, demo["svc_staff"], RECURRING, prefix="P")
    client = client_for("svc_staff")
    page = client.get("/problems/candidates/", {"contract": contract.pk})
    assert page.status_code == 200
    response = client.post("/problems/candidates/", {"contract": contract.pk, "category": "桌面",
                                                      "configuration_item": "", "days": "90"})
    assert response.status_code == 302
    from problems.models import Problem

    problem = Problem.objects.get(contract=contract, category="桌面")
    assert response["Location"] == problem.get_absolute_url()
