"""The OCDS release package: failed tenders as unsuccessful, awards, contracts, payments as transactions."""

import json


def test_ocds_release_package(loaded, tmp_path):
    path = tmp_path / "ocds.json"
    loaded("export", "--format", "ocds", str(path), "--as-of", "2024-01-01")
    package = json.loads(path.read_text(encoding="utf-8"))
    assert package["version"] == "1.1" and package["publishedDate"] == "2024-01-01T00:00:00Z"
    by_ocid = {r["ocid"]: r for r in package["releases"]}
    failed = [r for r in package["releases"] if r.get("tender", {}).get("status") == "unsuccessful"]
    assert [r["ocid"] for r in failed] == ["ocds-ctrk-SEAL-3", "ocds-ctrk-SEAL-4", "ocds-ctrk-SEAL-5"]
    assert all(r["tender"]["procurementMethod"] == "open" for r in failed)
    awarded = by_ocid["ocds-ctrk-SEAL-2"]
    assert awarded["tender"]["procurementMethodDetails"] == "竞争性磋商 competitive consultation"
    assert awarded["contracts"][0]["id"] == "SEAL-2021" and awarded["awards"][0]["suppliers"][0]["name"].startswith("乐山鑫昌鑫")
    tw1 = by_ocid["ocds-ctrk-TW1"]["contracts"][0]
    assert tw1["period"] == {"startDate": "2018-03-30", "endDate": "2024-03-30"}
    assert tw1["value"] == {"amount": 10296000.0, "currency": "CNY"}
    assert tw1["implementation"]["transactions"][0]["value"] == {"amount": 2170249.0, "currency": "CNY"}
    ids = [r["id"] for r in package["releases"]]
    assert len(ids) == len(set(ids))
