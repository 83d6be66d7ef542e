"""Every fixed text of the site, in Vietnamese and English (pure data and two small functions).

The site's own texts (menus, headings, help) are here; the names of statuses, actions and link
sources are the shared ones of :mod:`doccontrol.core.labels`.

Pages show the Vietnamese with the English beside it (``lang="vi"``, the default), or the other
way round after the English switch (``lang="en"``). Texts that come from the repository (titles,
reasons, file names) are shown as they are.
"""

from __future__ import annotations

from markupsafe import Markup

from doccontrol.core import conformity as conf
from doccontrol.core import labels as core_labels
from doccontrol.core.labels import pair

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"

# key → (Vietnamese, English)
LABELS: dict[str, tuple[str, str]] = {
    "site": ("Hệ thống quản lý tài liệu ISO", "ISO document control"),
    "nav_search": ("Tìm kiếm", "Search"),
    "nav_list": ("Danh mục tài liệu", "Master list"),
    "nav_coverage": ("Bao phủ TTHC", "TTHC coverage"),
    "nav_status": ("Tình trạng", "Status"),
    "read_only": ("Trang chỉ để xem; mọi thay đổi đi qua thư mục nhận (inbox).",
                  "Read-only site: every change goes through the inbox."),
    "switch_lang": ("English", "Tiếng Việt"),
    # search
    "search_title": ("Tìm quy trình", "Find a procedure"),
    "search_box": ("Từ khoá, mã hiệu hoặc mã TTHC (có dấu hoặc không dấu)",
                   "Words, procedure code or TTHC code (with or without diacritics)"),
    "search_button": ("Tìm", "Search"),
    "search_help": ('Đặt cụm từ trong dấu ngoặc kép để tìm chính xác ("trợ cấp thất nghiệp"); lọc bằng code:, tthc:.',
                    'Quote a phrase for an exact match ("trợ cấp thất nghiệp"); filter with code:, tthc:.'),
    "office": ("Phòng", "Office"),
    "all_offices": ("Tất cả các phòng", "All offices"),
    "status": ("Trạng thái", "Status"),
    "scope_current": ("Hiện hành", "Current"),
    "scope_withdrawn": ("Hiện hành và đã bãi bỏ", "Current and withdrawn"),
    "scope_all": ("Mọi lần ban hành (kể cả bản cũ)", "Every revision (old ones too)"),
    "results": ("Kết quả", "Results"),
    "no_results": ("Không tìm thấy quy trình nào.", "No results."),
    "more_results": ("Xem thêm kết quả", "More results"),
    "empty_query": ("Nhập từ khoá để tìm trong toàn văn các quy trình.", "Type words to search the full text of every procedure."),
    "controlled_count": ("Quy trình hiện hành trong kho", "Current procedures in the repository"),
    # procedure fields
    "code": ("Mã hiệu", "Code"),
    "title": ("Tên quy trình", "Title"),
    "revision": ("Lần ban hành", "Revision"),
    "rev_short": ("Lần", "Rev."),
    "issued": ("Ngày ban hành", "Issued"),
    "effective": ("Ngày hiệu lực", "Effective"),
    "source": ("Tệp gốc", "Original file"),
    "text_origin": ("Nội dung", "Text"),
    "tthc": ("Thủ tục hành chính (TTHC)", "Administrative procedures (TTHC)"),
    "tthc_code": ("Mã TTHC", "TTHC code"),
    "tthc_name": ("Tên thủ tục", "Name"),
    "link_source": ("Nguồn liên kết", "Link source"),
    "no_tthc": ("Không gắn TTHC nào.", "No linked TTHC."),
    "no_catalog_name": ("(không có trong danh mục)", "(not in the catalog)"),
    "tthc_terms": ("Thời hạn, phí, căn cứ pháp lý theo danh mục", "Deadline, fee, legal basis in the catalog"),
    "tthc_deadline": ("Thời hạn giải quyết", "Deadline"),
    "tthc_fee": ("Phí, lệ phí", "Fee"),
    "tthc_basis": ("Căn cứ pháp lý", "Legal basis"),
    "tthc_place": ("Địa điểm thực hiện", "Place"),
    "read_as": ("Đọc là", "Read as"),
    "steps": ("Các bước thực hiện", "Steps"),
    "step": ("Bước", "Step"),
    "step_content": ("Nội dung công việc", "Task"),
    "step_responsible": ("Trách nhiệm", "Responsible"),
    "step_time": ("Thời gian", "Time"),
    "steps_total": ("Tổng thời gian các bước", "Steps total"),
    "steps_total_stated": ("Tổng thời gian ghi trong bảng", "Total stated in the table"),
    "hours_per_day": ("giờ = 1 ngày làm việc", "hours = 1 working day"),
    "steps_not_read": ("Lần ban hành này được lưu trước khi doccontrol đọc các bước.",
                       "This revision was stored before doccontrol read steps."),
    "no_steps": ("Không tìm thấy bảng các bước.", "No steps table found."),
    "checks": ("Đối chiếu với TTHC", "Checks against the TTHC"),
    "checks_ok": ("Không phát hiện vấn đề.", "Nothing found."),
    "revisions": ("Các lần ban hành", "Revisions"),
    "date_committed": ("Ngày vào kho", "Committed"),
    "date_effective": ("Ngày hiệu lực", "Effective"),
    "ingested": ("Ngày đưa vào kho", "Loaded"),
    "historical_rev": ("ghi bổ sung", "loaded later"),
    "withdrawn_from": ("Bãi bỏ từ ngày", "Withdrawn from"),
    "download": ("Tải về", "Download"),
    "view_text": ("Xem nội dung", "Read"),
    "text_of": ("Nội dung văn bản (trích xuất)", "Text (extracted)"),
    "showing_rev": ("Đang xem lần ban hành", "Showing revision"),
    "not_current_rev": ("Đây không phải lần ban hành hiện hành.", "This is not the current revision."),
    "compare": ("So sánh hai lần ban hành", "Compare two revisions"),
    "compare_button": ("So sánh", "Compare"),
    "from_rev": ("Từ lần", "From"),
    "to_rev": ("Đến lần", "To"),
    "one_revision": ("Quy trình chỉ có một lần ban hành.", "This procedure has a single revision."),
    "withdrawn_banner": ("QUY TRÌNH NÀY ĐÃ BỊ BÃI BỎ — KHÔNG CÒN HIỆU LỰC",
                         "THIS PROCEDURE HAS BEEN WITHDRAWN — NO LONGER IN FORCE"),
    "withdrawn_at": ("Ngày bãi bỏ", "Withdrawn on"),
    "withdrawn_reason": ("Lý do", "Reason"),
    "history": ("Lịch sử thay đổi", "History"),
    "action": ("Việc", "Action"),
    "note": ("Ghi chú", "Note"),
    # diff
    "diff_title": ("Thay đổi giữa hai lần ban hành", "Changes between two revisions"),
    "no_difference": ("Hai lần ban hành có nội dung văn bản giống nhau.", "The two revisions have the same text."),
    "back_to_procedure": ("Về trang quy trình", "Back to the procedure"),
    "removed": ("bỏ đi", "removed"),
    "added": ("thêm vào", "added"),
    # list
    "list_title": ("Danh mục tài liệu hiện hành", "Master list of controlled documents"),
    "number": ("STT", "No."),
    "print": ("In danh mục", "Print"),
    "procedures_count": ("quy trình", "procedures"),
    "no_procedures": ("Chưa có quy trình nào.", "No procedures."),
    "sort_by": ("Sắp xếp theo", "Sort by"),
    "printed_on": ("Ngày in", "Printed on"),
    "list_status_current": ("Hiện hành", "Current"),
    "list_status_withdrawn": ("Đã bãi bỏ", "Withdrawn"),
    "list_status_all": ("Tất cả", "All"),
    "show": ("Xem", "Show"),
    "page": ("Trang", "Page"),
    "pages": ("Các trang", "Pages"),
    "rows_shown": ("Dòng", "Rows"),
    "rows_of": ("trong tổng số", "of"),
    # coverage
    "coverage_title": ("Mức độ bao phủ thủ tục hành chính bằng quy trình ISO",
                       "Coverage of administrative procedures (TTHC) by ISO procedures"),
    "field": ("Lĩnh vực", "Field"),
    "all_fields": ("Tất cả các lĩnh vực", "All fields"),
    "no_catalog": ("Chưa có danh mục thủ tục hành chính", "No TTHC catalog yet"),
    "no_catalog_help": ("Người quản lý tài liệu nhập danh mục bằng lệnh:", "The document controller imports it with:"),
    "download_report": ("Tải báo cáo đầy đủ", "Download the full report"),
    "parts_omitted": ("Danh sách liên kết và gợi ý theo tên có trong báo cáo tải về",
                      "The link and name-suggestion lists are in the downloadable report"),
    "links_count": ("liên kết", "links"),
    "suggestions_count": ("gợi ý", "suggestions"),
    "none": ("(không có)", "(none)"),
    # status
    "status_title": ("Tình trạng hệ thống", "System status"),
    "inbox_waiting": ("Tệp đang chờ trong thư mục nhận", "Files waiting in the inbox"),
    "quarantine": ("Tệp bị cách ly", "Quarantined files"),
    "quarantine_none": ("Không có tệp nào bị cách ly.", "No file in quarantine."),
    "file_name": ("Tên tệp", "File name"),
    "reason": ("Lý do", "Reason"),
    "size": ("Dung lượng", "Size"),
    "time": ("Thời gian", "Time"),
    "procedures_current_withdrawn": ("Quy trình hiện hành / đã bãi bỏ", "Procedures current / withdrawn"),
    "recent_ingests": ("Các lần tiếp nhận gần đây", "Recent ingests"),
    "no_ingests": ("Chưa có lần tiếp nhận nào.", "Nothing ingested yet."),
    "result": ("Kết quả", "Outcome"),
    "watcher": ("Tiến trình theo dõi thư mục nhận", "Inbox watcher"),
    "watcher_running": ("đang chạy", "running"),
    "watcher_stopped": ("không chạy", "not running"),
    "index": ("Chỉ mục tìm kiếm", "Search index"),
    "index_current": ("khớp với kho tài liệu", "up to date"),
    "index_behind": ("chậm hơn kho tài liệu (sẽ tự cập nhật ở lần tìm kiếm tới)",
                     "behind the repository (catches up at the next search)"),
    "index_unavailable": ("không đọc được (sẽ được tạo lại ở lần tìm kiếm tới)",
                          "unreadable (rebuilt at the next search)"),
    "index_unknown": ("chưa rõ", "unknown"),
    "remote": ("Máy chủ git trung tâm", "Central git remote"),
    "remote_none": ("chưa cấu hình", "not configured"),
    "remote_pending": ("Chưa đẩy lên", "Not pushed yet"),
    "remote_last_success": ("Đẩy thành công gần nhất", "Last successful push"),
    "remote_last_error": ("Lỗi lần đẩy gần nhất", "Last push error"),
    "problems": ("Lỗi", "Problems"),
    "workspace": ("Thư mục làm việc", "Workspace"),
    # errors
    "error_404": ("Không tìm thấy", "Not found"),
    "error_404_help": ("Địa chỉ này không có trên trang, hoặc mã quy trình / lần ban hành không tồn tại.",
                       "This address does not exist, or the procedure code or revision is unknown."),
    "error_400": ("Yêu cầu không hợp lệ", "Bad request"),
    "error_405": ("Trang chỉ để xem", "Read-only site"),
    "error_405_help": ("Trang này không nhận dữ liệu gửi lên.", "This site accepts no submitted data."),
    "error_500": ("Đã xảy ra lỗi", "Something went wrong"),
    "error_500_help": ("Hệ thống gặp lỗi không mong đợi khi tạo trang này. Hãy thử lại; nếu vẫn lỗi, báo cho người quản trị kèm mã lỗi.",
                       "An unexpected error occurred. Try again; if it persists, tell the administrator the error id."),
    "error_503": ("Kho tài liệu chưa sẵn sàng", "Repository unavailable"),
    "error_id": ("Mã lỗi", "Error id"),
    "go_home": ("Về trang tìm kiếm", "Go to the search page"),
}

# The names of statuses, actions and link sources are the ones every face uses (core/labels).
STATUS = core_labels.PROCEDURE_STATUS
ACTION = core_labels.ACTION
LINK_SOURCE = core_labels.LINK_SOURCE
INGEST_STATUS = core_labels.INGEST_STATUS
FOLDER = core_labels.FOLDER


def plain(table: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    """One language only, for attributes and ``<title>``: the chosen one."""
    vi, en = pair(table, key)
    return en if lang == "en" else vi


#: the conformity checks' findings (reason → Vietnamese, English)
FINDING: dict[str, tuple[str, str]] = {r: (conf.REASON_VI[r], conf.REASON_EN[r]) for r in conf.REASONS}


def both(table: dict[str, tuple[str, str]], key: str, lang: str) -> Markup:
    """The chosen language, then the other one small beside it (escaped, safe to print)."""
    vi, en = pair(table, key)
    first, second, second_lang = (en, vi, "vi") if lang == "en" else (vi, en, "en")
    if first == second:
        return Markup("{}").format(first)
    return Markup('{} <span class="alt" lang="{}">{}</span>').format(first, second_lang, second)


__all__ = ["ACTION", "DEFAULT_LANG", "FINDING", "FOLDER", "INGEST_STATUS", "LABELS", "LANGS", "LINK_SOURCE", "STATUS", "both", "pair",
           "plain"]
