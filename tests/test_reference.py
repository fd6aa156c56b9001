"""The example travels with its source: the reference is in the repository, and every quotation and citation of
the example (examples/emeishan.toml) is found in it, at the lines cited."""

import re
import tomllib

from .conftest import EXAMPLE, ROOT

REFERENCE = ROOT / "examples" / "reference" / "emeishan-2023-performance-evaluations.md"
CITED = re.compile(r"(examples/reference/[\w.-]+\.md)((?::\d+(?:-\d+)?)?)")
LINES = re.compile(r"(?:\.md)?:(\d+)(?:-(\d+))?")
# A run of Chinese text: ideographs with the digits, punctuation and quotation marks that go with them (the
# source itself mixes full-width and ASCII commas).
CHINESE = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef“”0-9.,\-/]*[\u4e00-\u9fff][\u4e00-\u9fff\u3000-\u303f\uff00-\uffef“”0-9.,\-/]*")
QUOTING = ("notes", "note", "source", "basis", "reason", "purpose")  # the fields that quote the source


def plain(text: str) -> str:
    """Text as compared: the converted PDF puts spaces between Chinese and digits, and Markdown marks headings."""
    return re.sub(r"[\s#*]", "", text)


def entries():
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    for section, value in data.items():
        for entry in value if isinstance(value, list) else [value]:
            yield section, entry


def quotations(text: str) -> list[str]:
    found = []
    for run in CHINESE.findall(text):
        found += [part.strip("，,。；;：:、 ") for part in run.split("……")]
    return [part for part in found if len(re.findall(r"[\u4e00-\u9fff]", part)) >= 4]


def test_the_reference_is_in_the_repository_and_the_example_names_it():
    text = EXAMPLE.read_text(encoding="utf-8")
    named = {match[0] for match in CITED.findall(text)}
    assert named == {"examples/reference/emeishan-2023-performance-evaluations.md"}
    assert all((ROOT / path).is_file() for path in named)
    assert "shared/reference" not in text  # a path outside the repository
    assert "天网、信息化建设及运维费项目支出绩效评价报告" in REFERENCE.read_text(encoding="utf-8")


def test_every_quotation_is_the_sources_own_words():
    reference = plain(REFERENCE.read_text(encoding="utf-8"))
    checked = 0
    for section, entry in entries():
        for field in QUOTING:
            for quote in quotations(str(entry.get(field, ""))):
                assert plain(quote) in reference, f"{section} {entry.get('code', '')} {field}: {quote}"
                checked += 1
    assert checked >= 30


def test_every_cited_line_holds_what_is_quoted_there():
    lines = REFERENCE.read_text(encoding="utf-8").splitlines()
    checked = 0
    for section, entry in entries():
        cited = [(int(a), int(b or a)) for field in QUOTING + ("reference",)
                 for a, b in LINES.findall(" ".join(m[1] for m in CITED.findall(str(entry.get(field, "")))))]
        if not cited:
            continue
        window = plain("".join(lines[a - 1] for first, last in cited for a in range(first, last + 1)))
        # Whatever Chinese the entry quotes (a report's title aside: it heads the report, not the line) is on a cited line.
        for field in QUOTING:
            for quote in quotations(str(entry.get(field, ""))):
                if not quote.endswith("绩效评价报告"):
                    assert plain(quote) in window, f"{section} {entry.get('code', '')} {field}: {quote} not on lines {cited}"
                    checked += 1
    assert checked >= 15


def test_the_seal_quantity_the_source_gives_is_recorded():
    # 全年累计为市场主体赠送印章5025枚: the report's one quantity, for 2023 as a whole (lines 37, 77, 89).
    lines = REFERENCE.read_text(encoding="utf-8").splitlines()
    for number in (37, 77, 89):
        assert "赠送印章5025枚" in plain(lines[number - 1])
    seal = next(entry for section, entry in entries() if section == "line" and entry["code"] == "SEAL")
    assert "全年累计为市场主体赠送印章5025枚" in seal["notes"] and "not sets" in seal["notes"]
    text = EXAMPLE.read_text(encoding="utf-8")
    assert "gives no quantities" not in text and "quantities not stated" not in text
