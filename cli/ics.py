"""Calendar events as an iCalendar file that Outlook, WPS and phones update rather than duplicate.

- METHOD:PUBLISH and a calendar name (X-WR-CALNAME), in the chosen language.
- DTSTAMP is the time of the export (RFC 5545: with METHOD, when the object was created).
- SEQUENCE and LAST-MODIFIED come from the stored history: SEQUENCE counts the changes recorded to the contracts
  and lines an event is made of, LAST-MODIFIED is the time of the latest. Two exports of unchanged data are the
  same but for DTSTAMP; an event whose facts changed (an amendment, a payment, an assessment, a tender) comes with a
  higher SEQUENCE, which tells the calendar to replace what it has.
- No reminder says 0.00: an amount not known yet (a unit-priced period without its usage) says so instead; events
  for overdue installments (``--overdue``) have no reminder, their day has passed.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Iterable, Mapping, Sequence

from . import i18n

EVENT_WORDS = {  # kind -> (summary, description), in English; i18n has them in Chinese
    "due": ("{code} installment {seq} due: {amount}", "{name}; period {start} to {end}; {state}"),
    "overdue": ("Overdue since {due}: {code} installment {seq}: {amount}", "{name}; period {start} to {end}; {state}"),
    "expiry": ("{code} expires", "{name}: the service period ends (billing ended {billing_end})"),
    "rebid": ("{line}: latest day to start the {method} procurement ({day})", "coverage ends {coverage_ends}; sign by {sign_by}"),
}


def event_words(item) -> tuple[str, str]:
    """A calendar event's title and text in the chosen language; amounts in the chosen unit."""
    facts = dict(item.facts)
    if "amount" in facts:
        facts["amount"] = (i18n.value("awaiting usage") if facts["amount"] is None
                           else i18n.shown_amount(facts["amount"]) + ("" if i18n.unit() == "yuan" else f" {i18n.unit_name()}"))
    for key in ("state", "method"):
        if key in facts:
            facts[key] = i18n.value(facts[key])
    summary, description = EVENT_WORDS[item.kind]
    description = i18n.t(description, **facts)
    if facts.get("assumed"):  # a rebid date counted over holidays not yet published says which it assumed
        description += "\n" + i18n.t("Working days assumed for a year not yet published: {days}", days=facts["assumed"])
    return i18n.t(summary, **facts), description


def history_versions(history: Iterable[Mapping], codes: Iterable[str]) -> dict[str, tuple[int, str]]:
    """Per contract or line code: how many changes the history records to it, and when the latest was made.
    A change is the code's when the entry names it as its contract, or its record mentions it ("tender 3 of SEAL")."""
    known = set(codes)
    found: dict[str, tuple[int, str]] = {}
    word = re.compile(r"[\w.-]+")
    for entry in history:
        touched = {entry.get("contract")} | {token.strip(".") for token in word.findall(entry.get("record") or "")}
        for code in touched & known:
            count, _ = found.get(code, (0, ""))
            found[code] = (count + 1, str(entry["at"]))
    return found


def _stamp(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)).astimezone(dt.timezone.utc).replace(microsecond=0)


def calendar_bytes(found: Sequence, history: Sequence[Mapping], now: dt.datetime) -> bytes:
    from icalendar import Alarm, Calendar, Event

    codes = {code for item in found for code in item.sources}
    versions = history_versions(history, codes)
    ics = Calendar()
    ics.add("prodid", "-//contracts-tracker//service contracts//EN")
    ics.add("version", "2.0")
    ics.add("method", "PUBLISH")
    ics.add("x-wr-calname", i18n.t("Service contracts: due dates, expiries and rebids"))
    stamp = now.astimezone(dt.timezone.utc).replace(microsecond=0)
    for item in found:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        changes = [versions[code] for code in dict.fromkeys(item.sources) if code in versions]  # a line and its contract may share a code
        event.add("sequence", max(sum(count for count, _ in changes) - 1, 0))
        if changes:
            event.add("last-modified", max(_stamp(at) for _, at in changes))
        event.add("dtstart", item.day)
        event.add("dtend", item.day + dt.timedelta(days=1))
        summary, description = event_words(item)
        event.add("summary", summary)
        event.add("description", description)
        if item.remind_days is not None:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", summary)
            alarm.add("trigger", dt.timedelta(days=-item.remind_days))
            event.add_component(alarm)
        ics.add_component(event)
    return ics.to_ical()
