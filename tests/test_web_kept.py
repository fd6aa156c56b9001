"""The whole-portfolio pages (采购, 预算 and their workbooks) on a province's store: their figures are computed once per
change of the store in a thread of their own (web/portfolio.kept), a page never waits long for them, and long tables
show their first rows with how many there are. The contract list's sorts walk an index (migration 0011).

Figures from the Emeishan example as of 2024-03-31 (tests/web_forms.py's site).
"""

from __future__ import annotations

import re
import threading
import time

import pytest

from .web_forms import clerk, clock, site, text_of  # noqa: F401


@pytest.fixture
def slow(monkeypatch):
    """Makes a kind of computation wait for ``release`` (a province's portfolio takes a while), and forgets every
    kept figure so that each test starts cold."""
    from web import portfolio

    release = threading.Event()
    monkeypatch.setattr(portfolio, "_latest", {})
    monkeypatch.setattr(portfolio, "_took", {})

    def hold(module, name):
        real = getattr(module, name)

        def held(*args):
            release.wait(30)
            return real(*args)

        monkeypatch.setattr(module, name, held)

    yield hold, release
    release.set()
    settle()


def settle() -> None:
    """Every computation started by a test finished before the next test (it holds the one-at-a-time lock)."""
    from web import portfolio

    for _ in range(600):
        if not portfolio._running:
            return
        time.sleep(0.05)


def wait_until_kept(kind: str) -> None:
    from web import portfolio

    for _ in range(400):
        if any(key[1][0] == kind for key in portfolio._latest) and not portfolio._running:
            return
        time.sleep(0.05)
    raise AssertionError(f"{kind} was never computed")


def test_procurement_answers_at_once_while_its_figures_are_computed(site, slow):
    from web import routes_procurement

    hold, release = slow
    hold(routes_procurement, "compute")
    site.state.settings.wait_seconds = 0.3
    li = clerk(site, "procurement")
    first = li.get("/procurement")
    assert first.status_code == 200 and "正在计算各项数据" in first.text
    assert "<table" not in first.text  # no figures yet
    assert 'action="/procurement/tenders"' in first.text  # the tender form works meanwhile
    release.set()
    wait_until_kept("procurement")
    fresh = li.get("/procurement")
    assert "正在计算" not in fresh.text and "连续3次" in text_of(fresh.text)  # SEAL's three failed tenders
    # A fact changes (a tender); the computation now takes longer than the page's wait, so the page answers with the
    # figures it has, from when they are, and does not wait the full 0.3 s again.
    release.clear()
    from web import portfolio

    portfolio._took[(next(iter(portfolio._latest))[0], ("procurement",))] = 60.0  # as a province's would
    sent = li.send("/procurement", {"line": "TW1", "method": "public", "outcome": "failed", "ground": "too-few-bidders",
                                    "bidders": "1", "announced": "2024-03-01"}, action="/procurement/tenders")
    assert sent.status_code == 303, sent.text[-500:]
    site.state.settings.wait_seconds = 3.0
    began = time.perf_counter()
    stale = li.get("/procurement")
    waited = time.perf_counter() - began
    assert "以下为10:00时的数据；最新数据正在计算" in stale.text and "连续3次" in text_of(stale.text)
    assert waited < 1.5, waited  # QUICK_WAIT_SECONDS (0.05 s) and the page itself, not the setting's 3 s
    release.set()
    for _ in range(200):  # the new figures arrive
        fresh = li.get("/procurement").text
        if 'class="pending"' not in fresh:
            break
        time.sleep(0.05)
    # TW1's failed tender: in the failures and in the tenders' table, which the stale figures did not have
    assert 'class="pending"' not in fresh and text_of(fresh).count("TW1") > text_of(stale.text).count("TW1")


def test_budget_page_and_workbooks_wait_for_fresh_figures(site, slow):
    from web import routes_budget

    hold, release = slow
    hold(routes_budget, "compute_forecast")
    site.state.settings.wait_seconds = 0.2
    wang = clerk(site, "finance")
    page = wang.get("/budget?from=2024&years=2")
    assert page.status_code == 200 and "正在计算各项数据" in page.text
    workbook = wang.get("/budget/forecast.xlsx?from=2024&years=2")
    assert workbook.status_code == 503 and workbook.headers["retry-after"] == "60" and "表格仍在生成中" in workbook.text
    release.set()
    wait_until_kept("forecast")
    ready = wang.get("/budget/forecast.xlsx?from=2024&years=2")
    assert ready.status_code == 200 and ready.content[:2] == b"PK"  # a workbook (a zip file)
    assert "正在计算" not in wang.get("/budget?from=2024&years=2").text


def test_long_tables_show_their_first_rows_and_say_how_many(site, monkeypatch):
    from web import routes_budget, routes_procurement

    monkeypatch.setattr(routes_procurement, "ROWS_SHOWN", 2)
    monkeypatch.setattr(routes_budget, "ROWS_SHOWN", 2)
    li = clerk(site, "procurement")
    page = li.get("/procurement").text
    lines = re.search(r"<table.*?</table>", page, re.S).group(0)  # the first table: the service lines
    assert lines.count('href="/procurement/lines/') == 2
    # the example's lines as of 2024-03-31: ENTRY, ROAD, SEAL, TW1, TW2 (ROAD-INC is ROAD's); two of five shown
    assert "仅显示5行中的前2行" in page
    # 2024-2026 by due date: ENTRY, ROAD, ROAD-INC and TW2 fall due (TW1 ended 2024-03-30, SEAL's contracts earlier)
    forecast = clerk(site, "finance").get("/budget?from=2024&years=3").text
    said = re.search(r"仅显示(\d+)个合同年度中前2个的明细", forecast)
    assert said and int(said.group(1)) > 2, forecast[-3000:]


def test_a_line_page_reads_only_its_line(site, loaded, db_url):
    """Store.lines(only=CODE) selects the line's contracts in SQL; it must give what the whole portfolio gives."""
    from db.store import open_store

    opened = open_store(db_url, create=False)
    try:
        store = opened.store
        everything = {facts.line.code: facts for facts in store.lines()}
        for code in ("SEAL", "ROAD", "TW2", "ENTRY"):
            assert store.lines(only=code) == [everything[code]], code
        with pytest.raises(Exception, match="is not a service line"):
            store.lines(only="NO-SUCH-LINE")
    finally:
        opened.store.close()
    assert clerk(site, "procurement").get("/procurement/lines/NO-SUCH-LINE").status_code == 404


def test_every_sort_of_the_contract_list_walks_an_index(db_url):
    """At 100,000 contracts a page sorted by a column without an index sorts every contract (0.6-1.2 s measured
    before migration 0011): the plan of the very queries db.reads.contract_page sends must read an index in the
    page's order, both ways, and a status filter's count must read its index alone."""
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite's query plan (PostgreSQL's planner picks by the table's statistics)")
    import datetime as dt

    from sqlalchemy import event

    from db import reads
    from db.store import open_store

    opened = open_store(db_url)
    sent: list = []
    event.listen(opened.store.engine, "before_cursor_execute",
                 lambda conn, cursor, statement, parameters, context, many: sent.append((statement, parameters)))
    try:
        with opened.store.reading() as connection:
            def plans(**options) -> tuple[str, str]:
                """The plans of the count and of the page (past the example's end: both are sent)."""
                sent.clear()
                reads.contract_page(connection, as_of=dt.date(2024, 6, 1), offset=1000, **options)
                found = {"COUNT(" in statement.upper(): " ".join(str(row[-1]) for row in connection.exec_driver_sql(
                    f"EXPLAIN QUERY PLAN {statement}", parameters))
                    for statement, parameters in list(sent) if statement.lstrip().upper().startswith("SELECT")}
                return found[True], found[False]

            for sort in reads.LIST_SORTS:
                for descending in (False, True):
                    count, page = plans(sort=sort, descending=descending)
                    assert "TEMP B-TREE" not in page and "INDEX" in page, (sort, descending, page)
            count, page = plans(status="active", sort="annual_fee")
            assert "COVERING INDEX ix_contract_dates" in count and "TEMP B-TREE" not in page, (count, page)
    finally:
        opened.store.close()


def test_the_report_page_is_prepared_in_the_background(site, slow):
    from web import portfolio

    hold, release = slow
    hold(portfolio, "_compute")
    site.state.settings.wait_seconds = 0.2
    li = clerk(site, "procurement")
    waiting = li.get("/report/page?as_of=2024-03-31")
    assert waiting.status_code == 503 and waiting.headers["retry-after"] == "60" and "报告仍在生成中" in waiting.text
    release.set()
    wait_until_kept("report")
    ready = li.get("/report/page?as_of=2024-03-31")
    assert ready.status_code == 200 and "TW2" in ready.text and '<html lang="zh-CN">' in ready.text  # the reader's language


def test_a_big_store_is_not_waited_for_even_the_first_time(site, slow, monkeypatch):
    """Before a kind was ever computed, the store's size predicts its time: one that predicts more than the page's
    wait gets the quick wait (QUICK_WAIT_SECONDS) from the first view."""
    from web import portfolio

    hold, release = slow
    hold(portfolio, "_compute")
    site.state.settings.wait_seconds = 10.0
    li = clerk(site, "finance")
    monkeypatch.setattr(portfolio, "SECONDS_PER_CONTRACT", 10.0)  # 7 contracts: 70 s predicted, as 35,000 would
    began = time.perf_counter()
    first = li.get("/")
    assert "正在计算各项数据" in first.text and time.perf_counter() - began < 3.0  # not the 10 s wait
    monkeypatch.setattr(portfolio, "SECONDS_PER_CONTRACT", 0.0)  # a small store: waited for (up to the 10 s)
    monkeypatch.setattr(portfolio, "_took", {})
    release.set()
    assert "正在计算" not in li.get("/?as_of=2024-03-30").text  # another day: a new computation, waited for


def test_the_fiscal_year_table_keeps_every_programme_and_the_largest_items(site, monkeypatch):
    from web import routes_budget

    monkeypatch.setattr(routes_budget, "ROWS_SHOWN", 1)
    page = clerk(site, "finance").get("/budget?year=2023").text
    said = re.search(r"（(\d+)项中应付最多的1项及全部预算项目；下载的表格含全部）", page)
    assert said and int(said.group(1)) > 1, page[-2000:]
    workbook = clerk(site, "finance").get("/budget/fy/2023.xlsx")
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"


def test_figures_kept_are_bounded_and_computed_one_at_a_time(site, monkeypatch):
    """A reader who asks for many as-of days must not pile up portfolios in memory (KEPT_AT_MOST), and two
    computations never run at once (each holds a portfolio in memory)."""
    from web import portfolio

    monkeypatch.setattr(portfolio, "_latest", {})
    monkeypatch.setattr(portfolio, "KEPT_AT_MOST", 3)
    running, most = [0], [0]
    real = portfolio._compute

    def counted(store, as_of):
        running[0] += 1
        most[0] = max(most[0], running[0])
        try:
            time.sleep(0.05)
            return real(store, as_of)
        finally:
            running[0] -= 1

    monkeypatch.setattr(portfolio, "_compute", counted)
    reader = clerk(site, "finance")
    threads = [threading.Thread(target=reader.get, args=(f"/?as_of=2024-03-{day:02d}",)) for day in range(20, 26)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wait_until_kept("portfolio")
    assert most[0] == 1 and len(portfolio._latest) <= 3


def test_a_pages_tables_are_made_once_per_computation_and_reader_settings(site, monkeypatch):
    """While new figures are computed a page competes with the computation for the interpreter: its tables are made
    once per computation, language and unit, not on every view."""
    from web import routes_budget

    made = []
    real = routes_budget._fy_table
    monkeypatch.setattr(routes_budget, "_fy_table", lambda figures, year: made.append(year) or real(figures, year))
    wang = clerk(site, "finance")
    first, again = wang.get("/budget?year=2023").text, wang.get("/budget?year=2023").text
    assert made == [2023] and first.count("<tr") == again.count("<tr")
    assert wang.post("/settings", {"language": "en", "money_unit": "yuan"}).status_code in (200, 303)
    assert "Fiscal year 2023" in wang.get("/budget?year=2023").text and made == [2023, 2023]  # English: its own tables


def test_the_budget_page_says_when_a_years_payments_stop_being_recorded(site):
    """As `report fy 2025` says it (tests/test_honest_source.py): payments are recorded up to 2023-12-31 only."""
    page = clerk(site, "finance").get("/budget?year=2025&as_of=2026-01-10").text
    assert "最后一笔付款记录在2023年12月31日，距2025年12月31日已731天" in text_of(page)
    assert "最后一笔付款记录" not in text_of(clerk(site, "finance").get("/budget?year=2023").text)


def test_a_search_for_something_rare_reads_the_table_once(db_url, loaded):
    """db.reads.contract_page: a page that is not full says itself how many match, so a search for a code (one match)
    sends one query, not a count and a page (each a scan of every contract); a full page is still counted."""
    import datetime as dt

    from sqlalchemy import event

    from db import reads
    from db.store import open_store

    opened = open_store(db_url, create=False)
    sent: list = []
    event.listen(opened.store.engine, "before_cursor_execute",
                 lambda conn, cursor, statement, parameters, context, many: sent.append(statement))
    try:
        with opened.store.reading() as connection:
            def selects(**options) -> tuple[int, list, int]:
                sent.clear()
                total, rows = reads.contract_page(connection, as_of=dt.date(2024, 3, 31), **options)
                return total, [row[0] for row in rows], sum(s.lstrip().upper().startswith("SELECT") for s in sent)

            assert selects(search="tw2") == (1, ["TW2"], 1)
            assert selects(search="nothing like it") == (0, [], 1)
            # seven contracts, pages of three: page 3 holds the seventh alone; pages 1-2 are full and counted
            assert selects(limit=3, offset=6) == (7, ["TW2"], 1)
            assert selects(limit=3, offset=0) == (7, ["ENTRY", "ROAD", "ROAD-INC"], 2)
            assert selects(limit=3, offset=30)[:2] == (7, [])  # past the end: counted
    finally:
        opened.store.close()


def test_a_page_does_not_wait_behind_a_long_computation(site, slow):
    """Found by the bench on PostgreSQL: the fiscal year alone takes less than the page's wait, but one computation
    runs at a time, and the budgets page waited its full 5 s behind the dashboard's minutes. What is running or
    queued counts too."""
    from web import portfolio

    hold, release = slow
    hold(portfolio, "_compute")
    site.state.settings.wait_seconds = 3.0
    wang = clerk(site, "finance")
    url = pages_store_url(site)
    portfolio._took[(url, ("portfolio",))] = 60.0  # the dashboard's, as a province's takes
    first = wang.get("/?as_of=2024-03-30")  # starts the (held) dashboard computation and answers at once
    assert "正在计算各项数据" in first.text
    began = time.perf_counter()
    page = wang.get("/budget?year=2023")
    assert time.perf_counter() - began < 2.0 and "正在计算各项数据" in page.text  # not the 3 s wait
    release.set()


def pages_store_url(site) -> str:
    """The store's URL as web/portfolio keys its figures (the store's shown URL)."""
    from db.store import open_store

    opened = open_store(site.state.settings.database_url, create=False)
    try:
        return opened.store.url
    finally:
        opened.store.close()
