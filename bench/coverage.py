"""Benchmark: the coverage report at 5,000 TTHC × 20,000 procedures, suggestions included.

Target: ``compute_coverage`` under 1 s for the whole report. Run it:

    .venv/bin/python bench/coverage.py [--tthc 5000] [--procedures 20000] [--repeat 3] [--writers] [--terms]

``--terms`` gives every TTHC a deadline and a legal basis (real spellings, some unreadable) and
every procedure a steps table, so the conformity checks (issue 18) run on every linked TTHC.

The data are generated, deterministic (seeded) and shaped like the real thing: Vietnamese TTHC
names built from the verbs, objects and qualifiers of real names; procedures that cite codes,
carry a TTHC's name as title, are linked by hand, cite unknown or abolished codes, or are
unlinked with a title close to a TTHC name; some withdrawn, some internal; amendments dated
after some procedures' revision dates. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from doccontrol.core.catalog import (  # noqa: E402
    CatalogEvent,
    EVENT_ABOLISHED,
    EVENT_ADDED,
    EVENT_AMENDED,
    STATUS_ABOLISHED,
    STATUS_ACTIVE,
    Tthc,
)
from doccontrol.core.coverage import ProcedureInfo, compute_coverage, report_to_dict  # noqa: E402
from doccontrol.core.steps import Step, StepTable  # noqa: E402
from doccontrol.core.text import code_key  # noqa: E402

VERBS = [
    "Cấp", "Cấp lại", "Cấp đổi", "Gia hạn", "Điều chỉnh", "Thu hồi", "Đăng ký", "Đăng ký lại",
    "Xác nhận", "Công nhận", "Phê duyệt", "Thẩm định", "Giải quyết", "Chấp thuận", "Thông báo",
    "Hỗ trợ", "Miễn", "Chuyển đổi", "Giải thể", "Thành lập", "Đình chỉ hoạt động", "Cho phép",
    "Sửa đổi, bổ sung", "Tạm ngừng", "Khôi phục",
]
OBJECTS = [
    "giấy phép lao động cho người nước ngoài làm việc tại Việt Nam",
    "chế độ trợ cấp thất nghiệp",
    "giấy chứng nhận đăng ký hoạt động giáo dục nghề nghiệp",
    "trợ cấp xã hội hằng tháng đối với đối tượng bảo trợ xã hội",
    "hồ sơ người có công với cách mạng",
    "giấy phép hoạt động dịch vụ việc làm",
    "chứng chỉ hành nghề công chứng",
    "giấy phép hoạt động cho thuê lại lao động",
    "trung tâm giáo dục nghề nghiệp tư thục",
    "cơ sở trợ giúp xã hội ngoài công lập",
    "chế độ ưu đãi đối với thân nhân liệt sĩ",
    "hỗ trợ học nghề cho người lao động",
    "thỏa ước lao động tập thể",
    "nội quy lao động của doanh nghiệp",
    "hợp đồng đưa người lao động đi làm việc ở nước ngoài",
    "giấy chứng nhận đủ điều kiện hoạt động dịch vụ đưa người lao động đi làm việc ở nước ngoài",
    "kế hoạch đào tạo nghề cho lao động nông thôn",
    "trợ cấp mai táng phí",
    "trợ cấp một lần đối với người có thành tích tham gia kháng chiến",
    "di chuyển hài cốt liệt sĩ",
    "thẻ an toàn lao động",
    "giấy chứng nhận kiểm định kỹ thuật an toàn lao động",
    "đăng ký sử dụng máy, thiết bị có yêu cầu nghiêm ngặt về an toàn lao động",
    "hồ sơ tai nạn lao động",
    "quỹ bảo trợ trẻ em",
    "hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội",
    "chứng nhận cơ sở sản xuất kinh doanh sử dụng người lao động là người khuyết tật",
    "điều kiện hoạt động của cơ sở cai nghiện ma túy tự nguyện",
    "tiếp nhận đối tượng vào cơ sở bảo trợ xã hội",
    "xếp hạng đơn vị sự nghiệp công lập",
    "danh hiệu thi đua, hình thức khen thưởng",
    "phong tặng danh hiệu Bà mẹ Việt Nam anh hùng",
    "giấy phép thành lập văn phòng đại diện",
    "đăng ký nội quy an toàn, vệ sinh lao động",
    "báo cáo tình hình sử dụng lao động",
    "kinh phí hỗ trợ đào tạo trình độ sơ cấp",
    "chi nhánh của tổ chức hành nghề luật sư",
    "hoạt động của trung tâm trọng tài",
    "giấy chứng nhận đăng ký kinh doanh dịch vụ bảo vệ",
    "hồ sơ hưởng bảo hiểm thất nghiệp",
    "chế độ điều dưỡng phục hồi sức khỏe người có công",
    "trang cấp dụng cụ chỉnh hình cho người có công",
    "giấy xác nhận thân nhân của người có công",
    "hồ sơ thương binh, người hưởng chính sách như thương binh",
    "giấy phép tổ chức biểu diễn nghệ thuật",
    "đào tạo lái xe cơ giới đường bộ",
    "giấy phép xây dựng công trình",
    "đăng ký khai sinh có yếu tố nước ngoài",
    "cấp bản sao trích lục hộ tịch",
    "đăng ký giám hộ",
]
QUALIFIERS = [
    "", "", "", "cấp tỉnh", "cấp huyện", "cấp xã", "trong trường hợp bị mất, hư hỏng",
    "đối với doanh nghiệp nhỏ và vừa", "cho tổ chức", "cho cá nhân", "có yếu tố nước ngoài",
    "tại khu vực biên giới", "thuộc thẩm quyền của Sở", "theo yêu cầu của tổ chức, cá nhân",
    "khi thay đổi nội dung", "do hết hạn",
]
FIELDS = [
    "Việc làm", "Lao động - Tiền lương", "Giáo dục nghề nghiệp", "Bảo trợ xã hội", "Người có công",
    "An toàn, vệ sinh lao động", "Trẻ em", "Phòng, chống tệ nạn xã hội", "Quản lý lao động ngoài nước",
    "Bình đẳng giới", "Thi đua - Khen thưởng", "Tổ chức cán bộ",
]
OFFICES = ["VP", "LĐ-VL", "GDNN", "BTXH", "NCC", "TCCB"]


def make_catalog(rng: random.Random, n: int) -> dict[str, Tthc]:
    names: set[str] = set()
    combos = [(v, o, q) for v in VERBS for o in OBJECTS for q in QUALIFIERS]
    rng.shuffle(combos)
    for v, o, q in combos:
        names.add(" ".join(x for x in (v, o, q) if x))
        if len(names) >= n:
            break
    cat: dict[str, Tthc] = {}
    used: set[int] = set()
    d0 = dt.date(2021, 1, 1)
    for name in sorted(names):
        num = rng.randrange(1000, 15000)
        while num in used:
            num = rng.randrange(1000, 15000)
        used.add(num)
        code = f"{rng.choice('1123')}.{num:06d}"
        history = [CatalogEvent(d0, "1234/QĐ-UBND", EVENT_ADDED, "")]
        status = STATUS_ACTIVE
        roll = rng.random()
        if roll < 0.03:
            status = STATUS_ABOLISHED
            history.append(CatalogEvent(dt.date(2024, 6, 1), "567/QĐ-UBND", EVENT_ABOLISHED, ""))
        elif roll < 0.18:
            history.append(CatalogEvent(dt.date(2024, rng.randrange(1, 13), 15), "345/QĐ-UBND",
                                        EVENT_AMENDED, ""))
        cat[code] = Tthc(code=code, name=name, field=rng.choice(FIELDS), agency="Sở LĐTBXH",
                         level=rng.choice(["Cấp tỉnh", "Cấp huyện", "Cấp xã"]), status=status,
                         history=tuple(history))
    return cat


DEADLINES = [
    "05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ", "15 ngày", "03 giờ làm việc", "Ngay trong ngày",
    "Trong thời hạn 10 ngày làm việc kể từ ngày nhận đủ hồ sơ",
    ("Tối đa 06 ngày làm việc kể từ ngày cơ quan BHXH nhận đủ hồ sơ theo quy định."), "30 Ngày", "7", "Không có thông tin", "20 ngày làm việc",
]
BASES = [
    "Bộ luật Lao động số 45/2019/QH14; Nghị định số 152/2020/NĐ-CP", "Nghị định số 131/2021/NĐ-CP",
    "Luật Việc làm năm 2013; Nghị định số 28/2015/NĐ-CP", "Nghị định số 20/2021/NĐ-CP",
]
STEP_TIMES = [("0,5 ngày", "0,5 ngày", "02 ngày", "0,5 ngày", "01 ngày", "0,5 ngày", "Theo giấy hẹn"),
              ("04 giờ", "8 giờ làm việc", "03 ngày làm việc", "01 ngày", "Theo giấy hẹn"),
              ("04 giờ", "Theo quy định", "01 ngày"), ("01 ngày", "05 ngày", "02 ngày (song song với bước 2)")]


def with_terms(rng: random.Random, cat: dict[str, Tthc]) -> dict[str, Tthc]:
    """Every TTHC with a deadline and a legal basis."""
    return {c: replace(t, deadline=rng.choice(DEADLINES), basis=rng.choice(BASES)) for c, t in cat.items()}


def with_steps(rng: random.Random, procs: list[ProcedureInfo]) -> list[ProcedureInfo]:
    """Every procedure with its own steps table (the step contents name the procedure, as real
    ones do, so no two tables are equal) and the citations of one legal basis."""
    cited = [("45/2019/QH14", "152/2020/NĐ-CP"), ("131/2021/NĐ-CP",), ()]
    out = []
    for p in procs:
        times = rng.choice(STEP_TIMES)
        table = StepTable(tuple(Step(f"B{i}", "Tiếp nhận hồ sơ" if i == 1 else f"Thẩm định hồ sơ {p.title} ({i})",
                                     time=t) for i, t in enumerate(times, 1)), "table")
        out.append(replace(p, steps=table, citations=rng.choice(cited)))
    return out


def calibrate() -> float:
    """Seconds for a fixed pure-Python loop (about 0.1 s on an idle 2020s core): printed beside
    the figures so that a run on a busy machine can be read for what it is."""
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        sum(i * i for i in range(2_000_000))
        best = min(best, time.perf_counter() - t)
    return best


def perturb(rng: random.Random, name: str) -> str:
    words = name.split()
    if len(words) > 4:
        del words[rng.randrange(1, len(words))]
    words.insert(rng.randrange(0, len(words)), rng.choice(["của", "cho", "và", "mới"]))
    return " ".join(words)


def make_procedures(rng: random.Random, cat: dict[str, Tthc], n: int, distinct: bool = False
                    ) -> tuple[list[ProcedureInfo], dict[str, set[str]], set[str]]:
    """Procedures over ``cat``. Titles are drawn from TTHC names, so many repeat (as they do in
    practice); ``distinct`` appends the procedure number to every title (the worst case for the
    suggestion step, which scores each distinct title once)."""
    codes = sorted(cat)
    active = [c for c in codes if cat[c].status == STATUS_ACTIVE]
    abolished = [c for c in codes if c not in set(active)]
    # ~8% of the active TTHC are never referenced: they end up uncovered.
    reachable = active[: int(len(active) * 0.92)]
    procs: list[ProcedureInfo] = []
    manual: dict[str, set[str]] = {}
    internal: set[str] = set()
    for i in range(n):
        office = rng.choice(OFFICES)
        code = f"QT-{i + 1:05d}/{office}"
        key = code_key(code)
        base = rng.choice(reachable)
        title = "Quy trình " + cat[base].name[0].lower() + cat[base].name[1:]
        tthc: tuple[str, ...] = ()
        roll = rng.random()
        if roll < 0.72:
            tthc = tuple(rng.sample(reachable, rng.randint(1, 3)))
            title = "Quy trình giải quyết thủ tục " + cat[tthc[0]].name.lower()
        elif roll < 0.80:
            pass  # the title equals a TTHC name: a "name" link (when unique)
        elif roll < 0.85:
            manual[key] = {base + ".000.00.00.H37"}
            title = "Quy trình " + perturb(rng, cat[base].name)
        elif roll < 0.93:
            title = "Quy trình " + perturb(rng, cat[base].name)  # unlinked, suggestions expected
        elif roll < 0.95:
            tthc = (f"9.{rng.randrange(100000, 999999)}",)  # unknown code
        elif roll < 0.96 and abolished:
            tthc = (rng.choice(abolished),)
        else:
            internal.add(key)
            title = f"Quy trình nội bộ số {i}: kiểm soát tài liệu và hồ sơ"
        if distinct:
            title = f"{title} (số {i + 1})"
        status = "withdrawn" if rng.random() < 0.10 else "current"
        rev = dt.date(rng.randrange(2022, 2026), rng.randrange(1, 13), rng.randrange(1, 28))
        procs.append(ProcedureInfo(code=code, code_key=key, title=title, office=office,
                                   revision=rng.randrange(0, 5), status=status, issued=rev,
                                   revision_date=rev, tthc=tthc))
    return procs, manual, internal


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--tthc", type=int, default=5000)
    ap.add_argument("--procedures", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--writers", action="store_true", help="also time the report writers")
    ap.add_argument("--distinct-titles", action="store_true",
                    help="make every procedure title distinct (worst case for suggestions)")
    ap.add_argument("--terms", action="store_true",
                    help="deadlines and legal bases in the catalog, steps in every procedure (conformity checks)")
    args = ap.parse_args(argv)

    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    cat = make_catalog(rng, args.tthc)
    procs, manual, internal = make_procedures(rng, cat, args.procedures, args.distinct_titles)
    if args.terms:
        cat, procs = with_terms(rng, cat), with_steps(rng, procs)
    field_offices = {f: OFFICES[i % len(OFFICES)] for i, f in enumerate(FIELDS[:-1])}  # one unassigned
    print(f"generated {len(cat)} TTHC, {len(procs)} procedures ({len({p.title for p in procs})} "
          f"distinct titles), {len(manual)} manual links, {len(internal)} internal "
          f"in {time.perf_counter() - t0:.2f} s")
    print(f"calibration loop: {calibrate():.3f} s (≈ 0.1 s idle; larger means a busy machine)")

    times = []
    report = None
    for _ in range(args.repeat):
        t = time.perf_counter()
        report = compute_coverage(cat, procs, manual, internal, field_offices)
        times.append(time.perf_counter() - t)
    assert report is not None
    reasons: dict[str, int] = {}
    for f in report.flagged:
        reasons[f.reason] = reasons.get(f.reason, 0) + 1
    print(f"compute_coverage: best {min(times):.3f} s, median {statistics.median(times):.3f} s "
          f"over {args.repeat} runs (target < 1 s); calibration after: {calibrate():.3f} s")
    print(f"  total {report.total}, covered {report.covered}, percent {report.percent}, "
          f"uncovered {len(report.uncovered)}, links {len(report.links)}, "
          f"suggestions {len(report.suggestions)}, warnings {len(report.warnings)}, flagged {reasons}")
    t = time.perf_counter()
    report_to_dict(report)
    print(f"report_to_dict: {time.perf_counter() - t:.3f} s")

    if args.writers:
        from doccontrol.reports import coverage_report as w

        ctx = w.ReportContext(agency="Sở Lao động - Thương binh và Xã hội tỉnh Lạng Sơn",
                              generated=dt.date.today())
        for name in ("text", "json", "csv", "xlsx", "html"):
            t = time.perf_counter()
            out = w.render(report, name, ctx)
            print(f"writer {name}: {time.perf_counter() - t:.3f} s, {len(out):,} "
                  f"{'bytes' if isinstance(out, bytes) else 'chars'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
