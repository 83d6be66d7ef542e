"""The one module of Vietnamese labels and formats (core/labels) and the status enums."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata

from doccontrol.core import labels
from doccontrol.core.model import IngestStatus, ProcedureStatus


def test_enums_are_the_strings_stored_and_printed() -> None:
    assert [s.value for s in ProcedureStatus] == ["current", "withdrawn"]
    assert [s.value for s in IngestStatus] == ["ingested", "duplicate", "quarantined", "retry_later"]
    assert ProcedureStatus.CURRENT == "current" and json.dumps({"s": IngestStatus.DUPLICATE}) == '{"s": "duplicate"}'
    assert labels.status_vi(ProcedureStatus.WITHDRAWN) == labels.status_vi("withdrawn") == "đã bãi bỏ"


def test_every_status_has_a_label_in_both_languages() -> None:
    assert {s.value for s in ProcedureStatus} <= set(labels.PROCEDURE_STATUS)
    assert {s.value for s in IngestStatus} == set(labels.INGEST_STATUS)
    for table in (labels.PROCEDURE_STATUS, labels.ACTION, labels.INGEST_STATUS, labels.LINK_SOURCE, labels.TTHC_STATUS):
        for key, (vi, en) in table.items():
            assert vi.strip() and en.strip() and unicodedata.normalize("NFC", vi) == vi, key


def test_tthc_statuses_are_the_catalogs() -> None:
    from doccontrol.core.catalog import STATUS_ABOLISHED, STATUS_ACTIVE

    assert set(labels.TTHC_STATUS) == {STATUS_ACTIVE, STATUS_ABOLISHED}


def test_lookups_and_unknown_values() -> None:
    assert labels.status_vi("current") == "hiện hành" and labels.action_vi("review") == "rà soát"
    assert labels.ingest_status_vi("quarantined") == "bị cách ly"
    assert labels.status_vi("odd") == "odd" and labels.pair(labels.ACTION, "odd") == ("odd", "odd")


def test_dates() -> None:
    assert labels.date_vi(dt.date(2024, 3, 5)) == "05/03/2024" and labels.date_vi(None) == ""
    assert labels.date_vi(None, "—") == "—"
    moment = dt.datetime(2026, 11, 25, 21, 31, 41)
    assert labels.date_vi(moment) == "25/11/2026" and labels.datetime_vi(moment) == "25/11/2026 21:31"
    assert labels.moment_vi(moment) == "25/11/2026 21:31" and labels.moment_vi(moment.date()) == "25/11/2026"
    assert labels.timestamp_vi("2026-11-25T21:31:41+00:00") == "25/11/2026 21:31"
    assert labels.timestamp_vi("not a date") == "not a date" and labels.timestamp_vi(None) == ""


def test_natural_order() -> None:
    codes = ["qt-10", "qt-2", "qt-1", "qt-2a", "10", "2", "qt", "qt-02"]
    assert sorted(codes, key=labels.natural_key) == ["2", "10", "qt", "qt-1", "qt-2", "qt-02", "qt-2a", "qt-10"]
    # text and numbers never meet in one comparison, whatever the codes look like
    assert sorted(["1.000105", "a1", "1a", "", "٣"], key=labels.natural_key)[0] == ""


def test_shorten() -> None:
    assert labels.shorten("abc", 3) == "abc" and labels.shorten("abcd", 3) == "ab…"


def test_one_percentage_format_rounded_down() -> None:
    assert labels.percent_vi(92.857) == "92,85 %"
    assert labels.percent_vi(66.66) == "66,66 %"  # 66.66 * 100 is 6665.999… in floating point
    assert labels.percent_vi(99.999) == "99,99 %"  # nothing short of 100 reads 100
    assert labels.percent_vi(100.0) == "100,00 %" and labels.percent_vi(0.0) == "0,00 %"
    assert labels.percent_vi(2.68) == "2,68 %" and labels.percent_vi(50) == "50,00 %"
