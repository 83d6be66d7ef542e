"""Issue 16: text appended at the end of a revision shows as added, never the unchanged last line
as removed and added again (a stored text has no final newline)."""

from __future__ import annotations

from doccontrol.core.text_diff import unified_diff
from doccontrol.web.present import diff_counts, diff_hunks

OLD = "QUY TRÌNH\nMã hiệu: QT-01/VP\nBước 5: Lưu hồ sơ."  # text.txt ends without a newline
NEW = OLD + "\nBước 6: Báo cáo kết quả."


def test_appended_text_is_only_added() -> None:
    diff = unified_diff(OLD, NEW, "QT-01/VP lần 1", "QT-01/VP lần 2")
    body = [line for line in diff.splitlines() if not line.startswith(("---", "+++", "@@"))]
    assert [line for line in body if line.startswith("-")] == []
    assert [line for line in body if line.startswith("+")] == ["+Bước 6: Báo cáo kết quả."]
    assert " Bước 5: Lưu hồ sơ." in body  # the old last line is context
    assert "\\ No newline" not in diff and diff.endswith("\n")
    assert diff_counts(diff_hunks(diff)) == (0, 1)  # the web page counts the same


def test_a_changed_last_line_and_identical_texts() -> None:
    diff = unified_diff(OLD, OLD.replace("Lưu", "Lưu trữ"), "a", "b")
    assert "-Bước 5: Lưu hồ sơ.\n+Bước 5: Lưu trữ hồ sơ.\n" in diff
    assert unified_diff(OLD, OLD, "a", "b") == ""
    assert unified_diff(OLD, OLD + "\n", "a", "b") == ""  # a final newline alone is no change of text
