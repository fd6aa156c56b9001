"""The OCDS release package: failed tenders as unsuccessful, awards, contracts, payments as transactions, validated
against the official OCDS 1.1.5 release-package schema (tests/fixtures/ocds, Apache 2.0, with its LICENSE).

Reproduced first (issue #16, point 4): the export had 26 errors against the schema with format checking (dates
where date-times are required, payment references as transaction sources that are not URIs), every contract
`active`, no parties, release ids that collided, the original value after an amendment, empty award values.
"""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource

SCHEMAS = Path(__file__).parent / "fixtures" / "ocds" / "1.1.5"
RELEASE_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"


def _validator() -> Draft4Validator:
    """The release package schema, its $ref to the release schema served from the local copy (tests never reach the
    network), and a format checker that really checks date-time and uri (rfc3339-validator, rfc3986-validator)."""
    package = json.loads((SCHEMAS / "release-package-schema.json").read_text(encoding="utf-8"))
    release = json.loads((SCHEMAS / "release-schema.json").read_text(encoding="utf-8"))
    registry = Registry().with_resources([(RELEASE_URL, Resource.from_contents(release)),
                                          (package["id"], Resource.from_contents(package))])
    return Draft4Validator(package, registry=registry, format_checker=FormatChecker())


def errors(document) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _validator().iter_errors(document)]


def test_the_format_checker_really_checks():
    """Without the format libraries, jsonschema silently accepts any string as a date-time or a URI."""
    checker = FormatChecker()
    assert not checker.conforms("2024-01-01", "date-time") and checker.conforms("2024-01-01T00:00:00+08:00", "date-time")
    assert not checker.conforms("voucher 2023-077", "uri") and checker.conforms("urn:contracts-tracker:x", "uri")
    bad = {"uri": "not a uri", "version": "1.1", "publishedDate": "2024-01-01", "publisher": {"name": "x"}, "releases": []}
    found = errors(bad)
    assert "uri: 'not a uri' is not a 'uri'" in found and "publishedDate: '2024-01-01' is not a 'date-time'" in found


def _export(cli, tmp_path, day="2024-01-01", name="ocds.json") -> dict:
    path = tmp_path / name
    cli("export", "--format", "ocds", str(path), "--as-of", day)
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


@pytest.mark.parametrize("day", ["2024-01-01", "2026-12-31"])
def test_the_package_validates_with_zero_errors(loaded, tmp_path, day):
    loaded("import", str(Path(__file__).parents[1] / "examples" / "demo-om.toml"))
    loaded("amend", "TW2", "--from", "2024-02-24", "--annual-fee", "5000000.00", "--ref", "补充协议 2024-01")
    package = _export(loaded, tmp_path, day)
    assert errors(json.loads(json.dumps(package, default=float))) == []
    assert len(package["releases"]) >= 10


def test_ocds_release_package(loaded, tmp_path):
    package = _export(loaded, tmp_path)
    assert package["version"] == "1.1" and package["publishedDate"] == "2024-01-01T00:00:00+08:00"
    by_ocid = {r["ocid"]: r for r in package["releases"]}
    failed = [r for r in package["releases"] if r.get("tender", {}).get("status") == "unsuccessful"]
    assert [r["ocid"] for r in failed] == ["ocds-ctrk-SEAL-3", "ocds-ctrk-SEAL-4", "ocds-ctrk-SEAL-5"]
    assert all(r["tender"]["procurementMethod"] == "open" for r in failed)
    awarded = by_ocid["ocds-ctrk-SEAL-2"]
    assert awarded["tender"]["procurementMethodDetails"] == "竞争性磋商 competitive consultation"
    assert awarded["contracts"][0]["id"] == "SEAL-2021" and awarded["awards"][0]["suppliers"][0]["name"].startswith("乐山鑫昌鑫")
    # a unit-priced award carries what is known of its value: 500 CNY a set
    [item] = awarded["awards"][0]["items"]
    assert item["unit"]["value"] == {"amount": Decimal("500.00"), "currency": "CNY"} and "value" not in awarded["awards"][0]
    tw1 = by_ocid["ocds-ctrk-TW1"]
    assert tw1["contracts"][0]["period"] == {"startDate": "2018-03-30T00:00:00+08:00", "endDate": "2024-03-30T00:00:00+08:00"}
    assert tw1["contracts"][0]["value"] == {"amount": Decimal("10296000.00"), "currency": "CNY"}  # 6 x 1,716,000.00
    assert tw1["awards"][0]["value"] == tw1["contracts"][0]["value"]
    transaction = tw1["contracts"][0]["implementation"]["transactions"][0]
    assert transaction["value"] == {"amount": Decimal("2170249.00"), "currency": "CNY"} and "source" not in transaction
    # parties with ids and roles, and every organisation named refers to one of them
    parties = {p["id"]: p for p in tw1["parties"]}
    assert sorted(sorted(p["roles"]) for p in parties.values()) == [["buyer", "payer"], ["payee", "supplier"]]
    assert tw1["buyer"]["id"] in parties and transaction["payer"]["id"] == tw1["buyer"]["id"]
    assert transaction["payee"]["id"] == tw1["awards"][0]["suppliers"][0]["id"]
    ids = [r["id"] for r in package["releases"]]
    assert len(ids) == len(set(ids))


def test_contract_status_follows_the_as_of_day(loaded, tmp_path):
    statuses = {day: {r["contracts"][0]["id"]: r["contracts"][0]["status"]
                      for r in _export(loaded, tmp_path, day, f"{day}.json")["releases"] if "contracts" in r}
                for day in ("2018-01-01", "2024-01-01", "2024-06-30")}
    assert statuses["2018-01-01"]["TW1"] == "pending"  # billing starts 2018-03-30
    assert statuses["2024-01-01"]["TW1"] == "active"
    assert statuses["2024-06-30"]["TW1"] == "terminated"  # its service ended on 2024-03-30
    assert statuses["2024-01-01"]["SEAL-2020"] == "terminated"  # ended 2021-06-30


def test_an_amendment_changes_the_value_and_the_release_id(loaded, tmp_path):
    before = {r["ocid"]: r for r in _export(loaded, tmp_path, name="before.json")["releases"]}
    again = {r["ocid"]: r for r in _export(loaded, tmp_path, name="again.json")["releases"]}
    assert {o: r["id"] for o, r in before.items()} == {o: r["id"] for o, r in again.items()}  # same facts, same ids
    # From 2023-02-24, 5,000,000.00 a year instead of 4,929,753.36: installments 5-12 at 1,250,000.00 each
    loaded("amend", "TW2", "--from", "2023-02-24", "--annual-fee", "5000000.00", "--ref", "补充协议 2023-01")
    after = {r["ocid"]: r for r in _export(loaded, tmp_path, name="after.json")["releases"]}
    contract = after["ocds-ctrk-TW2"]["contracts"][0]
    assert contract["value"]["amount"] == Decimal("1232438.34") * 4 + Decimal("1250000.00") * 8 == Decimal("14929753.36")
    assert contract["amendments"][0]["date"] == "2023-02-24T00:00:00+08:00"
    assert after["ocds-ctrk-TW2"]["id"] != before["ocds-ctrk-TW2"]["id"]  # changed content, a new release id
    assert after["ocds-ctrk-TW1"]["id"] == before["ocds-ctrk-TW1"]["id"]
