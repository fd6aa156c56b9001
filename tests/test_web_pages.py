"""What the pages show: the answers of the CLI's own functions, in Chinese by default, in English and yuan when the
reader chooses (remembered), the contract list searched, filtered, sorted and paged, a contract's page, the history."""

from __future__ import annotations

import importlib.util
import re

from .web_forms import clock, site  # noqa: F401  (the one site: the example, a user per role)
from .web import Browser, text_of



def reader(site, role: str = "viewer") -> Browser:
    browser = Browser(site)
    assert browser.sign_in(role).status_code == 303
    return browser


def codes_listed(page: str) -> list[str]:
    return re.findall(r'<td><a href="/contracts/([^"/]+)">', page)


def test_dashboard_shows_what_the_cli_computes(site, loaded):
    page = text_of(reader(site).get("/").text)
    # ROAD's service ends 2024-09-19: 172 days after 2024-03-31 (30 + 31 + 30 + 31 + 31 + 19), within 180.
    assert "180天内到期的合同" in page and re.search(r"ROAD 精细化道路 road refinement 2024-09-19 2024-09-19 172 履约中", page)
    # Arrears, 0-30 days: ENTRY 55,350.00 + ROAD 844,778.40 + TW1 429,000.00 = 1,329,128.40 yuan = 132.91 万元
    # (each row rounded alone would add to 132.92: the total is rounded from the exact sum, as the CLI does).
    assert re.search(r"合计 132\.91 ", page)
    assert "金额单位：万元，逐项四舍五入到0.01万元（百元）；合计按精确金额求和后再舍入" in page
    # the quarter's installments: five fall due in 2024Q1, none assessed yet (no rules recorded): payable at gross
    assert "2024Q1 · 应付 5" in page and "2024Q1 · 已付 0" in page
    # SEAL's tenders: 5 attempts, 3 failed, 3 in a row (the reference's three failed re-tenders)
    assert re.search(r"SEAL 5 3 3", page)
    findings = loaded.json("check", "--as-of", "2024-03-31")
    assert f"数据检查发现{len(findings)}项" in page


def test_dashboard_puts_first_what_the_role_needs(site):
    def first_caption(role: str) -> str:
        page = reader(site, role).get("/").text
        return re.search(r"<caption>([^<]+)</caption>", page).group(1)

    assert first_caption("logistics") == "本季度各期款项（2024Q1）"
    assert first_caption("finance") == "本季度各期款项（2024Q1）"
    assert first_caption("procurement") == "重新采购期限"
    assert first_caption("viewer") == "180天内到期的合同"


def test_findings_page_lists_every_finding(site, loaded):
    page = reader(site).get("/findings").text
    findings = loaded.json("check", "--as-of", "2024-03-31")
    assert page.count("<tr>") - 1 == len(findings)  # one header row


def test_contract_list_filters_sorts_and_pages(site, monkeypatch):
    browser = reader(site)
    everything = browser.get("/contracts").text
    assert codes_listed(everything) == ["ENTRY", "ROAD", "ROAD-INC", "SEAL-2020", "SEAL-2021", "TW1", "TW2"]
    assert "第1-7条，共7条" in everything
    # as of 2024-03-31: TW1 ended on 2024-03-30 and the seal contracts in 2021 and 2023
    assert codes_listed(browser.get("/contracts?status=expired").text) == ["SEAL-2020", "SEAL-2021", "TW1"]
    assert codes_listed(browser.get("/contracts?status=active").text) == ["ENTRY", "ROAD", "ROAD-INC", "TW2"]
    assert codes_listed(browser.get("/contracts?line=SEAL").text) == ["SEAL-2020", "SEAL-2021"]
    assert codes_listed(browser.get("/contracts?programme=SEAL-PROG").text) == ["SEAL-2020", "SEAL-2021"]
    assert codes_listed(browser.get("/contracts?q=tianwang").text) == ["TW1", "TW2"]  # the name, any case
    assert codes_listed(browser.get("/contracts?q=%25").text) == []  # a % is searched for, not a wildcard
    # by service end, latest first: TW2 2027-02-24, ENTRY 2026-03-17, ROAD-INC 2025-04-28, ROAD 2024-09-19, ...
    assert codes_listed(browser.get("/contracts?sort=service_end&desc=1").text)[:4] == ["TW2", "ENTRY", "ROAD-INC", "ROAD"]
    monkeypatch.setattr("web.routes_contracts.PAGE_SIZE", 3)
    second = browser.get("/contracts?page=2").text
    assert codes_listed(second) == ["SEAL-2020", "SEAL-2021", "TW1"] and "第4-6条，共7条" in second
    assert 'href="/contracts?sort=code&amp;page=1"' in second and 'href="/contracts?sort=code&amp;page=3"' in second
    assert codes_listed(browser.get("/contracts?page=3").text) == ["TW2"]
    # an unknown filter value is ignored, not an error; a page that is not a number is one line
    assert len(codes_listed(browser.get("/contracts?status=bogus&sort=bogus").text)) == 3
    bad = browser.get("/contracts?page=x")
    assert bad.status_code == 400 and "page &#39;x&#39;" in bad.text


def test_contract_page(site, loaded):
    browser = reader(site)
    page = browser.get("/contracts/TW2").text
    words = text_of(page)
    assert "天网二期 Tianwang phase 2 (200 new points)" in words and "履约中" in words
    for heading in ("合同条款", "时间轴", "各期款项", "付款记录", "考核记录", "变更", "修改记录"):
        assert heading in words
    # every installment of the CLI's payable listing, each linking to its payment request
    rows = loaded.json("payable", "TW2", "--as-of", "2024-03-31")
    assert len(rows) == 12
    for row in rows:
        assert f'href="/contracts/TW2/installments/{row["seq"]}/request"' in page
    # 1,232,438.34 yuan a quarter (4,929,753.36 / 4): in 万元 123.24, the basis mark ≤ and its note under the table
    assert "123.24" in words and "≤" in words
    assert "2022-02-24 计费开始" in words and "2027-02-24 服务到期" in words


def test_language_and_unit_are_remembered_per_user(site):
    browser = reader(site, "finance")
    assert browser.post("/settings", {"language": "en", "money_unit": "yuan"}).status_code == 303
    page = text_of(browser.get("/contracts/TW2").text)
    assert "Installments" in page and "1,232,438.34" in page and "各期款项" not in page
    assert "万元" not in page
    browser.post("/signout")
    again = reader(site, "finance")
    assert "Expiring within 180 days" in again.get("/").text  # remembered, not a cookie of that browser
    assert "180天内到期的合同" in reader(site, "viewer").get("/").text  # another user still reads Chinese


def test_history_page_shows_who_did_what(site, db_url):
    admin = reader(site, "admin")
    admin.post("/admin/users", {"name": "zhao", "role": "procurement", "password": "long enough pw",
                                "password2": "long enough pw"})
    page = text_of(admin.get("/history").text)
    # newest first: the admin's new user (and before it the admin's sign-in), then the import of the examples
    added = re.search(r"admin 新增用户 user zhao", page)
    assert added and page.index("admin 登录 user admin") > added.start()
    assert page.index("新增合同 TW2") > page.index("admin 登录 user admin")
    contract_history = text_of(admin.get("/contracts/TW2").text)
    assert "新增合同 合同 TW2" in contract_history and "新增用户" not in contract_history


def test_payment_request_route(site):
    response = reader(site).get("/contracts/TW2/installments/1/request")
    if importlib.util.find_spec("web.voucher") is None:
        assert response.status_code == 404 and "此版本尚未安装付款审批单页面" in response.text
    else:
        assert response.status_code == 200 and "TW2" in response.text


def test_unknown_contract_is_404_in_one_line(site):
    response = reader(site).get("/contracts/NOPE")
    assert response.status_code == 404
    assert "code &#39;NOPE&#39;: is not a contract in this store" in response.text


def test_dashboard_never_waits_long_for_a_slow_computation(site, monkeypatch, db_url):
    """A province's portfolio takes minutes to compute: the page says so, then shows the last figures with their time
    while newer ones are computed, and the fresh ones once they are there."""
    import threading

    from web import portfolio

    release = threading.Event()
    real = portfolio._compute

    def slow(store, as_of):
        release.wait(60)
        return real(store, as_of)

    monkeypatch.setattr(portfolio, "_compute", slow)
    monkeypatch.setattr(portfolio, "_latest", {})
    site.state.settings.wait_seconds = 0.05
    browser = reader(site, "admin")
    first = browser.get("/")
    assert first.status_code == 200 and "正在计算各项数据" in first.text and "180天内到期的合同" not in first.text
    release.set()
    for _ in range(200):  # the computation finishes in its own thread
        if portfolio._latest:
            break
        threading.Event().wait(0.05)
    assert "180天内到期的合同" in browser.get("/").text
    release.clear()
    # A fact changes (a payment; a change about people, such as a new user, keeps the figures: see below)
    finance = reader(site, "finance")
    form = finance.get("/contracts/ENTRY/payments").text
    assert finance.post("/contracts/ENTRY/payments", {"paid_on": "2023-06-20", "amount": "100.00", "seq": "1"}).status_code == 303, form[-300:]
    stale = browser.get("/").text  # the store changed: the last figures, with their time, while newer ones are made
    assert "以下为10:00时的数据；最新数据正在计算" in stale and "180天内到期的合同" in stale
    release.set()
    for _ in range(600):  # finished before the next test, which would otherwise wait for its turn behind it
        if not portfolio._running:
            break
        threading.Event().wait(0.05)


def test_signing_in_keeps_the_dashboards_figures_and_a_payment_renews_them(site, loaded, db_url):
    """The dashboard's computation is keyed by the last history entry about facts: a sign-in (a history entry about a
    person) must not throw it away, a payment must."""
    from db.store import open_store
    from web.portfolio import state

    opened = open_store(db_url, create=False)
    try:
        before = state(opened.store)
        reader(site, "finance")  # signs in: a "sign in" entry in the history
        assert state(opened.store) == before
        loaded("pay", "ENTRY", "--amount", "100", "--on", "2023-06-20", "--seq", "1")
        assert state(opened.store) != before
    finally:
        opened.store.close()


def test_a_tables_legend_is_in_the_readers_language():
    # the web's tables said their legend in English on Chinese pages (i18n.t knew none of the legend's words); they say
    # it as the CLI's tables do: "? 未知，不计入任何合计", "≤ 上限：按考核扣款，但扣款规则未录入"
    import contextvars
    from decimal import Decimal

    from cli import i18n
    from contracts.basis import Basis, described
    from web.pages import table

    rows = [{"contract": "A", "gross": Decimal("1.00"), "basis": described(Basis.UNKNOWN, ["1 installment(s) awaiting usage"])},
            {"contract": "B", "gross": Decimal("2.00"), "basis": described(Basis.UPPER_BOUND, ["deducted per assessment, "
                                                                                               "the rules not recorded"])}]

    def notes(lang: str) -> list[str]:
        i18n.configure(lang=lang, here_only=True)
        return table(rows, ("contract", "gross", "basis"))["notes"]

    chinese = contextvars.copy_context().run(notes, "zh")
    assert "? 未知，不计入任何合计" in chinese and "≤ 上限：按考核扣款，但扣款规则未录入" in chinese
    english = contextvars.copy_context().run(notes, "en")
    assert "? unknown, not counted in any total" in english
