"""Graded relevance data for the search tests: procedures of a labour/social-affairs department
and queries whose expected procedure must come FIRST.

The procedures share their boilerplate (every ISO procedure has the same sections) and many
share their subject words (four unemployment-benefit procedures, four work-permit ones, two
funeral allowances, ...), so only ranking tells them apart.  Traps: ``dương``/``đường``/
``đương``/``dưỡng``, old and new tone placement (``hòa``/``hoà``, ``khỏe``/``khoẻ``,
``thủy``/``thuỷ``), one-letter syllables (``nhà ở``, ``ý kiến``), codes in several shapes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from doccontrol.search import IndexDoc, make_doc_id
from doccontrol.core.text import code_key, slugify


@dataclass(frozen=True)
class Proc:
    code: str
    office: str
    title: str
    purpose: str
    basis: tuple[str, ...]
    documents: tuple[str, ...]
    days: int
    steps: tuple[str, ...]
    tthc: tuple[str, ...] = ()
    revision: int = 1
    status: str = "current"
    issued: str = "2024-03-01"
    extra: str = ""


def body(p: Proc) -> str:
    """The text of a procedure in the department's standard ISO layout."""
    lines = [
        "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI TỈNH LẠNG SƠN",
        "QUY TRÌNH",
        p.title.upper(),
        f"Mã hiệu: {p.code}    Lần ban hành: {p.revision:02d}    Ngày ban hành: {p.issued}",
        "1. MỤC ĐÍCH",
        p.purpose,
        "2. PHẠM VI ÁP DỤNG",
        "Áp dụng đối với tổ chức, cá nhân có yêu cầu và công chức, viên chức của Sở Lao động - "
        "Thương binh và Xã hội tham gia giải quyết thủ tục hành chính.",
        "3. TÀI LIỆU VIỆN DẪN",
        "Tiêu chuẩn quốc gia TCVN ISO 9001:2015; các văn bản quy phạm pháp luật nêu tại mục 5.1.",
        "4. ĐỊNH NGHĨA VÀ VIẾT TẮT",
        "TTHC: thủ tục hành chính; UBND: Uỷ ban nhân dân; BPMC: Bộ phận một cửa; "
        "LĐTBXH: Lao động - Thương binh và Xã hội.",
        "5. NỘI DUNG QUY TRÌNH",
        "5.1 Cơ sở pháp lý",
        *(f"- {b}" for b in p.basis),
        "5.2 Thành phần hồ sơ",
        *(f"- {d}" for d in p.documents),
        "5.3 Số lượng hồ sơ: 01 bộ.",
        f"5.4 Thời gian xử lý: {p.days} ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ.",
        "5.5 Nơi tiếp nhận và trả kết quả: Bộ phận một cửa của Sở tại Trung tâm Phục vụ hành "
        "chính công tỉnh, hoặc qua dịch vụ bưu chính công ích, hoặc trực tuyến trên Cổng dịch "
        "vụ công.",
        "5.6 Lệ phí: không.",
        "5.7 Quy trình xử lý công việc",
        *(f"Bước {i}: {s}" for i, s in enumerate(p.steps, 1)),
        "6. BIỂU MẪU",
        "Các biểu mẫu kèm theo quy trình được ban hành theo quy định hiện hành.",
        "7. HỒ SƠ CẦN LƯU",
        "Hồ sơ được lưu tại phòng chuyên môn theo quy định về lưu trữ.",
    ]
    if p.extra:
        lines.append(p.extra)
    return "\n".join(lines)


STEPS_STANDARD = (
    "Công chức Bộ phận một cửa tiếp nhận, kiểm tra hồ sơ, viết phiếu hẹn trả kết quả.",
    "Chuyên viên phòng chuyên môn thẩm định hồ sơ, trình lãnh đạo phòng.",
    "Lãnh đạo phòng xem xét, trình lãnh đạo Sở phê duyệt.",
    "Lãnh đạo Sở ký duyệt kết quả.",
    "Văn thư vào sổ, đóng dấu, chuyển kết quả cho Bộ phận một cửa trả cho tổ chức, cá nhân.",
)

PROCEDURES: tuple[Proc, ...] = (
    # --- Việc làm (employment) --------------------------------------------------------------
    Proc("QT-01/LĐTBXH", "VL", "Giải quyết hưởng trợ cấp thất nghiệp",
         "Quy định trình tự giải quyết hưởng trợ cấp thất nghiệp cho người lao động đã đóng "
         "bảo hiểm thất nghiệp khi chấm dứt hợp đồng lao động.",
         ("Luật Việc làm số 38/2013/QH13", "Nghị định số 28/2015/NĐ-CP"),
         ("Đề nghị hưởng trợ cấp thất nghiệp theo mẫu", "Bản sao quyết định thôi việc",
          "Sổ bảo hiểm xã hội"),
         20, STEPS_STANDARD, tthc=("1.001978",)),
    Proc("QT-02/LĐTBXH", "VL", "Tạm dừng hưởng trợ cấp thất nghiệp",
         "Quy định việc tạm dừng hưởng trợ cấp thất nghiệp khi người lao động không thông báo "
         "tìm kiếm việc làm hằng tháng.",
         ("Luật Việc làm số 38/2013/QH13", "Nghị định số 28/2015/NĐ-CP"),
         ("Danh sách người lao động không thông báo tìm kiếm việc làm",),
         3, STEPS_STANDARD),
    Proc("QT-03/LĐTBXH", "VL", "Chấm dứt hưởng trợ cấp thất nghiệp",
         "Quy định việc chấm dứt hưởng trợ cấp thất nghiệp khi người lao động có việc làm, "
         "thực hiện nghĩa vụ quân sự hoặc hưởng lương hưu.",
         ("Luật Việc làm số 38/2013/QH13",),
         ("Thông báo về việc có việc làm", "Giấy tờ chứng minh thuộc trường hợp chấm dứt"),
         3, STEPS_STANDARD),
    Proc("QT-04/LĐTBXH", "VL", "Chuyển nơi hưởng trợ cấp thất nghiệp",
         "Quy định việc chuyển nơi hưởng trợ cấp thất nghiệp khi người lao động chuyển đến "
         "tỉnh, thành phố khác.",
         ("Nghị định số 28/2015/NĐ-CP",),
         ("Đề nghị chuyển nơi hưởng trợ cấp thất nghiệp", "Bản chụp quyết định hưởng"),
         3, STEPS_STANDARD),
    Proc("QT.VL.05", "VL", "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại "
         "Việt Nam",
         "Quy định trình tự cấp giấy phép lao động cho người nước ngoài làm việc tại các doanh "
         "nghiệp trên địa bàn tỉnh.",
         ("Bộ luật Lao động số 45/2019/QH14", "Nghị định số 152/2020/NĐ-CP"),
         ("Văn bản đề nghị cấp giấy phép lao động", "Giấy chứng nhận sức khoẻ",
          "Lý lịch tư pháp", "Văn bản chứng minh là nhà quản lý, chuyên gia"),
         5, STEPS_STANDARD, tthc=("1.000105.000.00.00.H37",)),
    Proc("QT.VL.06", "VL", "Cấp lại giấy phép lao động cho người lao động nước ngoài",
         "Quy định việc cấp lại giấy phép lao động bị mất, bị hỏng hoặc thay đổi nội dung.",
         ("Nghị định số 152/2020/NĐ-CP",),
         ("Văn bản đề nghị cấp lại giấy phép lao động", "Giấy phép lao động đã được cấp"),
         3, STEPS_STANDARD),
    Proc("QT.VL.07", "VL", "Gia hạn giấy phép lao động",
         "Quy định việc gia hạn giấy phép lao động còn thời hạn ít nhất 5 ngày nhưng không quá "
         "45 ngày.",
         ("Nghị định số 152/2020/NĐ-CP",),
         ("Văn bản đề nghị gia hạn", "Giấy phép lao động còn thời hạn"),
         5, STEPS_STANDARD),
    Proc("QT.VL.08", "VL", "Xác nhận người lao động nước ngoài không thuộc diện cấp giấy phép "
         "lao động",
         "Quy định việc xác nhận trường hợp người nước ngoài không thuộc diện cấp giấy phép lao "
         "động.",
         ("Nghị định số 152/2020/NĐ-CP",),
         ("Văn bản đề nghị xác nhận", "Giấy tờ chứng minh không thuộc diện cấp"),
         3, STEPS_STANDARD),
    Proc("QT-VL-09", "VL", "Đăng ký hợp đồng lao động đi làm việc ở nước ngoài",
         "Quy định việc đăng ký hợp đồng cá nhân của người lao động Việt Nam đi làm việc ở "
         "nước ngoài theo hợp đồng.",
         ("Luật Người lao động Việt Nam đi làm việc ở nước ngoài theo hợp đồng số 69/2020/QH14",),
         ("Văn bản đăng ký hợp đồng", "Bản sao hợp đồng cá nhân", "Bản sao hộ chiếu"),
         5, STEPS_STANDARD),
    # --- Người có công (people with meritorious service) ----------------------------------------
    Proc("QT-NCC-01", "NCC", "Giải quyết chế độ mai táng phí đối với người có công với cách mạng",
         "Quy định việc giải quyết trợ cấp mai táng phí khi người có công với cách mạng từ trần.",
         ("Pháp lệnh Ưu đãi người có công với cách mạng số 02/2020/UBTVQH14",
          "Nghị định số 131/2021/NĐ-CP"),
         ("Tờ khai của thân nhân", "Bản sao giấy chứng tử"),
         12, STEPS_STANDARD, tthc=("1.002519",)),
    Proc("QT-NCC-02", "NCC", "Hỗ trợ nhà ở cho người có công với cách mạng",
         "Quy định việc hỗ trợ xây mới, sửa chữa nhà ở cho hộ gia đình người có công có khó "
         "khăn về nhà ở.",
         ("Quyết định số 22/2013/QĐ-TTg", "Nghị định số 131/2021/NĐ-CP"),
         ("Đơn đề nghị hỗ trợ nhà ở", "Biên bản khảo sát hiện trạng nhà"),
         30, STEPS_STANDARD),
    Proc("QT-NCC-03", "NCC", "Di chuyển hài cốt liệt sĩ",
         "Quy định việc thân nhân liệt sĩ đề nghị di chuyển hài cốt liệt sĩ về quê quán.",
         ("Nghị định số 131/2021/NĐ-CP",),
         ("Đơn đề nghị di chuyển hài cốt liệt sĩ", "Giấy xác nhận của nghĩa trang"),
         10, STEPS_STANDARD),
    Proc("QT-NCC-04", "NCC", "Cấp giấy chứng nhận thân nhân liệt sĩ",
         "Quy định việc cấp giấy chứng nhận cho thân nhân liệt sĩ.",
         ("Nghị định số 131/2021/NĐ-CP",),
         ("Bản khai thân nhân liệt sĩ", "Bản sao giấy báo tử"),
         12, STEPS_STANDARD),
    Proc("QT-NCC-05", "NCC", "Hưởng trợ cấp ưu đãi đối với thương binh",
         "Quy định việc giải quyết trợ cấp ưu đãi hằng tháng đối với thương binh, người hưởng "
         "chính sách như thương binh.",
         ("Pháp lệnh Ưu đãi người có công với cách mạng",),
         ("Biên bản giám định thương tật", "Giấy chứng nhận bị thương"),
         20, STEPS_STANDARD),
    Proc("QT-NCC-06", "NCC", "Điều dưỡng phục hồi sức khỏe cho người có công",
         "Quy định việc tổ chức điều dưỡng phục hồi sức khỏe tập trung và tại gia đình cho người "
         "có công với cách mạng.",
         ("Thông tư số 02/2022/TT-BLĐTBXH",),
         ("Danh sách người có công đề nghị điều dưỡng",),
         15, STEPS_STANDARD),
    # --- Bảo trợ xã hội (social protection) -----------------------------------------------------
    Proc("QT-BTXH-01", "BTXH", "Trợ cấp xã hội hằng tháng đối với người cao tuổi",
         "Quy định việc giải quyết trợ cấp xã hội hằng tháng cho người cao tuổi thuộc hộ nghèo "
         "không có người phụng dưỡng.",
         ("Nghị định số 20/2021/NĐ-CP",),
         ("Tờ khai đề nghị trợ giúp xã hội", "Bản sao giấy khai sinh hoặc căn cước"),
         15, STEPS_STANDARD, tthc=("2.000286.000.00.00.H37",)),
    Proc("QT-BTXH-02", "BTXH", "Xác định mức độ khuyết tật và cấp giấy xác nhận khuyết tật",
         "Quy định việc xác định, xác định lại mức độ khuyết tật và cấp giấy xác nhận khuyết tật.",
         ("Luật Người khuyết tật số 51/2010/QH12", "Thông tư số 01/2019/TT-BLĐTBXH"),
         ("Đơn đề nghị xác định mức độ khuyết tật", "Bản sao hồ sơ bệnh án"),
         30, STEPS_STANDARD),
    Proc("QT-BTXH-03", "BTXH", "Tiếp nhận đối tượng vào cơ sở trợ giúp xã hội",
         "Quy định việc tiếp nhận đối tượng bảo trợ xã hội có hoàn cảnh đặc biệt khó khăn vào "
         "chăm sóc, nuôi dưỡng tại cơ sở trợ giúp xã hội.",
         ("Nghị định số 20/2021/NĐ-CP", "Nghị định số 103/2017/NĐ-CP"),
         ("Đơn đề nghị tiếp nhận", "Sơ yếu lý lịch của đối tượng"),
         10, STEPS_STANDARD),
    Proc("QT-BTXH-04", "BTXH", "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội",
         "Quy định việc hỗ trợ chi phí mai táng khi đối tượng bảo trợ xã hội đang hưởng trợ cấp "
         "xã hội hằng tháng qua đời.",
         ("Nghị định số 20/2021/NĐ-CP",),
         ("Tờ khai đề nghị hỗ trợ chi phí mai táng", "Bản sao giấy chứng tử"),
         5, STEPS_STANDARD),
    Proc("QT-BTXH-05", "BTXH", "Cấp giấy phép hoạt động cai nghiện ma tuý tự nguyện",
         "Quy định việc cấp giấy phép hoạt động cai nghiện ma tuý tự nguyện cho cơ sở cai nghiện "
         "ngoài công lập.",
         ("Luật Phòng, chống ma tuý số 73/2021/QH14", "Nghị định số 116/2021/NĐ-CP"),
         ("Đơn đề nghị cấp giấy phép", "Bản sao quyết định thành lập cơ sở"),
         20, STEPS_STANDARD),
    Proc("QT-BTXH-06", "BTXH", "Hỗ trợ khẩn cấp cho hộ gia đình có nhà bị đổ, sập do thiên tai",
         "Quy định việc hỗ trợ khẩn cấp về nhà ở cho hộ gia đình bị thiệt hại do bão, lũ, thuỷ "
         "tai và thiên tai khác.",
         ("Nghị định số 20/2021/NĐ-CP",),
         ("Tờ khai đề nghị hỗ trợ", "Biên bản xác nhận thiệt hại"),
         5, STEPS_STANDARD),
    # --- Trẻ em (children) ----------------------------------------------------------------------
    Proc("QT-TE-01", "TE", "Tiếp nhận và xử lý thông tin qua Đường dây nóng bảo vệ trẻ em",
         "Quy định việc tiếp nhận, xử lý thông tin, thông báo, tố giác về hành vi xâm hại trẻ "
         "em qua Tổng đài điện thoại quốc gia bảo vệ trẻ em 111.",
         ("Luật Trẻ em số 102/2016/QH13", "Nghị định số 56/2017/NĐ-CP"),
         ("Phiếu ghi nhận thông tin cuộc gọi",),
         1, STEPS_STANDARD),
    Proc("QT-TE-02", "TE", "Áp dụng biện pháp can thiệp khẩn cấp hoặc tạm thời cách ly trẻ em "
         "khỏi môi trường gây tổn hại",
         "Quy định việc áp dụng biện pháp can thiệp khẩn cấp bảo vệ trẻ em bị xâm hại.",
         ("Luật Trẻ em số 102/2016/QH13",),
         ("Biên bản đánh giá nguy cơ", "Kế hoạch hỗ trợ can thiệp"),
         1, STEPS_STANDARD),
    Proc("QT-TE-03", "TE", "Đăng ký nhận chăm sóc thay thế cho trẻ em",
         "Quy định việc đăng ký nhận chăm sóc thay thế đối với cá nhân, gia đình nhận chăm sóc "
         "trẻ em có hoàn cảnh đặc biệt.",
         ("Nghị định số 56/2017/NĐ-CP",),
         ("Đơn đăng ký nhận chăm sóc thay thế", "Giấy khám sức khỏe"),
         15, STEPS_STANDARD),
    Proc("QT-TE-04", "TE", "Hỗ trợ trẻ em có hoàn cảnh đặc biệt",
         "Quy định việc hỗ trợ giáo dục, y tế và chăm sóc cho trẻ em có hoàn cảnh đặc biệt.",
         ("Luật Trẻ em số 102/2016/QH13",),
         ("Đơn đề nghị hỗ trợ", "Giấy xác nhận hoàn cảnh"),
         10, STEPS_STANDARD),
    # --- Giáo dục nghề nghiệp (vocational education) -------------------------------------------
    Proc("QT-GDNN-01", "GDNN", "Cấp giấy chứng nhận đăng ký hoạt động giáo dục nghề nghiệp",
         "Quy định việc cấp giấy chứng nhận đăng ký hoạt động giáo dục nghề nghiệp đối với trung "
         "tâm giáo dục nghề nghiệp và doanh nghiệp.",
         ("Luật Giáo dục nghề nghiệp số 74/2014/QH13", "Nghị định số 143/2016/NĐ-CP"),
         ("Văn bản đề nghị cấp giấy chứng nhận", "Báo cáo điều kiện đảm bảo hoạt động"),
         10, STEPS_STANDARD),
    Proc("QT-GDNN-02", "GDNN", "Thành lập trung tâm giáo dục nghề nghiệp tư thục",
         "Quy định việc cho phép thành lập trung tâm giáo dục nghề nghiệp tư thục trên địa bàn.",
         ("Nghị định số 143/2016/NĐ-CP",),
         ("Đề án thành lập", "Văn bản chứng minh quyền sử dụng đất"),
         15, STEPS_STANDARD),
    Proc("QT-GDNN-03", "GDNN", "Công nhận giám đốc trung tâm giáo dục nghề nghiệp tư thục",
         "Quy định việc công nhận giám đốc trung tâm giáo dục nghề nghiệp tư thục.",
         ("Nghị định số 143/2016/NĐ-CP",),
         ("Văn bản đề nghị công nhận", "Sơ yếu lý lịch"),
         10, STEPS_STANDARD),
    Proc("QT-GDNN-04", "GDNN", "Hỗ trợ đào tạo trình độ sơ cấp cho người lao động nông thôn",
         "Quy định việc hỗ trợ đào tạo nghề trình độ sơ cấp, đào tạo dưới 3 tháng cho lao động "
         "nông thôn, người khuyết tật.",
         ("Quyết định số 46/2015/QĐ-TTg",),
         ("Đơn đăng ký học nghề",),
         10, STEPS_STANDARD),
    # --- An toàn lao động (occupational safety) ---------------------------------------------------
    Proc("QT-ATLĐ-01", "ATLĐ", "Khai báo, điều tra tai nạn lao động",
         "Quy định việc khai báo, điều tra, báo cáo tai nạn lao động chết người và tai nạn lao "
         "động làm bị thương nặng từ hai người trở lên.",
         ("Luật An toàn, vệ sinh lao động số 84/2015/QH13", "Nghị định số 39/2016/NĐ-CP"),
         ("Văn bản khai báo tai nạn lao động", "Biên bản điều tra"),
         30, STEPS_STANDARD),
    Proc("QT-ATLĐ-02", "ATLĐ", "Khám sức khoẻ định kỳ và phát hiện bệnh nghề nghiệp",
         "Quy định việc theo dõi khám sức khoẻ định kỳ, khám phát hiện bệnh nghề nghiệp cho "
         "người lao động làm nghề nặng nhọc, độc hại.",
         ("Thông tư số 28/2016/TT-BYT",),
         ("Báo cáo kết quả khám sức khoẻ", "Hồ sơ bệnh nghề nghiệp"),
         15, STEPS_STANDARD),
    Proc("QT-ATLĐ-03", "ATLĐ", "Khai báo sử dụng máy, thiết bị có yêu cầu nghiêm ngặt về an "
         "toàn lao động",
         "Quy định việc khai báo với Sở khi đưa vào sử dụng máy, thiết bị, vật tư có yêu cầu "
         "nghiêm ngặt về an toàn lao động.",
         ("Nghị định số 44/2016/NĐ-CP",),
         ("Phiếu khai báo", "Bản sao giấy chứng nhận kết quả kiểm định"),
         5, STEPS_STANDARD),
    Proc("QT-ATLĐ-04", "ATLĐ", "Cấp giấy chứng nhận đủ điều kiện huấn luyện an toàn, vệ sinh "
         "lao động",
         "Quy định việc cấp giấy chứng nhận đủ điều kiện hoạt động huấn luyện an toàn, vệ sinh "
         "lao động hạng A.",
         ("Nghị định số 44/2016/NĐ-CP", "Nghị định số 140/2018/NĐ-CP"),
         ("Đơn đề nghị cấp giấy chứng nhận", "Bản thuyết minh điều kiện huấn luyện"),
         25, STEPS_STANDARD),
    Proc("QT-ATLĐ-05", "ATLĐ", "Hỗ trợ chuyển đổi nghề nghiệp cho người bị tai nạn lao động",
         "Quy định việc hỗ trợ học nghề để chuyển đổi nghề nghiệp khi trở lại làm việc cho người "
         "bị tai nạn lao động, bệnh nghề nghiệp.",
         ("Nghị định số 88/2020/NĐ-CP",),
         ("Văn bản đề nghị hỗ trợ chuyển đổi nghề nghiệp",),
         10, STEPS_STANDARD),
    # --- Lao động, tiền lương, quan hệ lao động (labour relations) ----------------------------------
    Proc("QT-LĐ-01", "LĐTL", "Đăng ký nội quy lao động của doanh nghiệp",
         "Quy định việc đăng ký nội quy lao động của người sử dụng lao động sử dụng từ 10 người "
         "lao động trở lên.",
         ("Bộ luật Lao động số 45/2019/QH14", "Nghị định số 145/2020/NĐ-CP"),
         ("Văn bản đề nghị đăng ký nội quy", "Nội quy lao động", "Biên bản góp ý kiến của tổ "
          "chức đại diện người lao động"),
         7, STEPS_STANDARD),
    Proc("QT-LĐ-02", "LĐTL", "Bổ nhiệm hoà giải viên lao động",
         "Quy định việc bổ nhiệm, bổ nhiệm lại hoà giải viên lao động để hoà giải tranh chấp "
         "lao động và hỗ trợ phát triển quan hệ lao động.",
         ("Bộ luật Lao động số 45/2019/QH14", "Nghị định số 145/2020/NĐ-CP"),
         ("Đơn đề nghị bổ nhiệm hoà giải viên", "Sơ yếu lý lịch", "Giấy chứng nhận sức khỏe"),
         10, STEPS_STANDARD),
    Proc("QT-LĐ-03", "LĐTL", "Hoà giải tranh chấp lao động cá nhân",
         "Quy định việc hoà giải viên lao động tiến hành hoà giải khi các đương sự yêu cầu giải "
         "quyết tranh chấp lao động cá nhân.",
         ("Bộ luật Lao động số 45/2019/QH14",),
         ("Đơn yêu cầu hoà giải của đương sự", "Tài liệu chứng cứ kèm theo"),
         5, STEPS_STANDARD),
    Proc("QT-LĐ-04", "LĐTL", "Tiếp nhận thoả ước lao động tập thể",
         "Quy định việc tiếp nhận, xem xét thoả ước lao động tập thể doanh nghiệp gửi đến cơ "
         "quan quản lý nhà nước về lao động.",
         ("Bộ luật Lao động số 45/2019/QH14",),
         ("Bản thoả ước lao động tập thể đã ký kết",),
         10, STEPS_STANDARD),
    Proc("QT-LĐ-05", "LĐTL", "Cấp giấy phép hoạt động cho thuê lại lao động",
         "Quy định việc cấp giấy phép hoạt động cho thuê lại lao động đối với doanh nghiệp.",
         ("Nghị định số 145/2020/NĐ-CP",),
         ("Văn bản đề nghị cấp giấy phép", "Giấy chứng nhận tiền ký quỹ"),
         20, STEPS_STANDARD),
    # --- Văn phòng Sở (department office) ----------------------------------------------------------
    Proc("QT-VP-01", "VP", "Kiểm soát tài liệu của hệ thống quản lý chất lượng",
         "Quy định việc soạn thảo, phê duyệt, ban hành, sửa đổi và kiểm soát tài liệu nội bộ "
         "theo TCVN ISO 9001:2015.",
         ("Quyết định số 19/2014/QĐ-TTg", "Thông tư số 26/2014/TT-BKHCN"),
         ("Phiếu đề nghị ban hành, sửa đổi tài liệu", "Danh mục tài liệu nội bộ"),
         5, STEPS_STANDARD),
    Proc("QT-VP-02", "VP", "Đánh giá nội bộ hệ thống quản lý chất lượng",
         "Quy định việc lập kế hoạch và thực hiện đánh giá nội bộ hằng năm.",
         ("TCVN ISO 9001:2015",),
         ("Kế hoạch đánh giá", "Báo cáo đánh giá nội bộ"),
         30, STEPS_STANDARD),
    Proc("QT-VP-03", "VP", "Xét tuyên dương, khen thưởng tập thể và cá nhân",
         "Quy định việc xét tuyên dương, khen thưởng tập thể, cá nhân có thành tích xuất sắc.",
         ("Luật Thi đua, khen thưởng số 06/2022/QH15",),
         ("Tờ trình đề nghị khen thưởng", "Báo cáo thành tích"),
         20, STEPS_STANDARD),
    Proc("QT-VP-04", "VP", "Tiếp công dân và lấy ý kiến góp ý dự thảo văn bản",
         "Quy định việc tiếp công dân, tiếp nhận ý kiến, kiến nghị và lấy ý kiến góp ý dự thảo "
         "văn bản của Sở.",
         ("Luật Tiếp công dân số 42/2013/QH13",),
         ("Sổ tiếp công dân", "Phiếu lấy ý kiến"),
         10, STEPS_STANDARD),
    Proc("QT-VP-05", "VP", "Quản lý hồ sơ đi công tác tỉnh Bình Dương và các tỉnh phía Nam",
         "Quy định việc quản lý hồ sơ, chứng từ của đoàn công tác học tập kinh nghiệm tại tỉnh "
         "Bình Dương và các tỉnh phía Nam, thanh toán chi phí đi đường.",
         ("Thông tư số 40/2017/TT-BTC",),
         ("Quyết định cử đi công tác", "Giấy đi đường", "Hoá đơn chứng từ"),
         10, STEPS_STANDARD,
         extra="Các đoàn đi công tác tỉnh Bình Dương báo cáo kết quả. Tuyên dương đoàn công "
               "tác. Đường đi, đường về được thanh toán theo giấy đi đường."),
    # --- superseded and withdrawn --------------------------------------------------------------
    Proc("QT-VP-06", "VP", "Quản lý con dấu và văn thư lưu trữ",
         "Quy định việc quản lý, sử dụng con dấu và công tác văn thư, lưu trữ của Sở.",
         ("Nghị định số 30/2020/NĐ-CP",),
         ("Sổ đăng ký văn bản đi, đến",),
         1, STEPS_STANDARD, revision=2, issued="2024-06-01"),
    Proc("QT-VP-06", "VP", "Quản lý con dấu và văn thư lưu trữ",
         "Quy định việc quản lý con dấu theo mẫu sổ theo dõi kiểu Kh-07 đã bãi bỏ.",
         ("Nghị định số 110/2004/NĐ-CP",),
         ("Sổ đăng ký văn bản đi, đến",),
         1, STEPS_STANDARD, revision=1, status="superseded", issued="2019-01-10"),
    Proc("QT-VL-10", "VL", "Cấp sổ lao động cho người lao động",
         "Quy định việc cấp sổ lao động (thủ tục đã bãi bỏ từ khi Bộ luật Lao động 2012 có hiệu "
         "lực).",
         ("Nghị định số 44/2003/NĐ-CP",),
         ("Tờ khai cấp sổ lao động",),
         7, STEPS_STANDARD, status="withdrawn", issued="2010-05-01"),
)


def index_docs(procs: tuple[Proc, ...] = PROCEDURES) -> list[IndexDoc]:
    """The procedures as the index receives them."""
    docs = []
    for p in procs:
        slug = slugify(p.code)
        docs.append(IndexDoc(
            doc_id=make_doc_id(slug, p.revision), slug=slug, code=p.code,
            code_key=code_key(p.code), office=p.office, title=p.title, revision=p.revision,
            status=p.status, text=body(p), tthc=p.tthc, issued=p.issued,
        ))
    return docs


@dataclass(frozen=True)
class Case:
    query: str
    first: str  # the code of the procedure that must come first
    why: str
    options: dict[str, object] = field(default_factory=dict)  # SearchRequest arguments


NFD = "NFD"

CASES: tuple[Case, ...] = (
    # subjects that several procedures share: the most specific title must win
    Case("trợ cấp thất nghiệp", "QT-01/LĐTBXH", "four procedures; the plain one wins"),
    Case("tam dung huong tro cap that nghiep", "QT-02/LĐTBXH", "no diacritics"),
    Case("chấm dứt hưởng trợ cấp thất nghiệp", "QT-03/LĐTBXH", "shares 5 of 7 syllables"),
    Case("chuyen noi huong tro cap", "QT-04/LĐTBXH", "folded, partial title"),
    Case("cấp giấy phép lao động làm việc tại Việt Nam", "QT.VL.05", "vs cấp lại / gia hạn"),
    Case("cap lai giay phep lao dong", "QT.VL.06", "cấp lại, not cấp"),
    Case("gia hạn giấy phép lao động", "QT.VL.07", "gia hạn"),
    Case("không thuộc diện cấp giấy phép", "QT.VL.08", "negative wording is still words"),
    Case("mai táng phí người có công", "QT-NCC-01", "two funeral allowances"),
    Case("ho tro chi phi mai tang doi tuong bao tro xa hoi", "QT-BTXH-04", "the other one"),
    Case("nhà ở người có công", "QT-NCC-02", "one-letter syllable ở in nhà ở"),
    Case("nha o", "QT-NCC-02", "nhà ở folded; also nhà bị đổ and đi làm việc ở"),
    Case("ý kiến góp ý", "QT-VP-04", "one-letter syllable ý"),
    Case("di chuyển hài cốt liệt sĩ", "QT-NCC-03", "title"),
    Case("tro cap uu dai thuong binh", "QT-NCC-05", "folded"),
    Case("người cao tuổi", "QT-BTXH-01", "short subject"),
    Case("giấy xác nhận khuyết tật", "QT-BTXH-02", "title words"),
    Case("cai nghiện ma túy", "QT-BTXH-05", "old-style túy finds new-style tuý"),
    Case("thủy tai", "QT-BTXH-06", "old-style thủy in the query, thuỷ in the text"),
    # dương / đường / đương / dưỡng
    Case("đường dây nóng", "QT-TE-01", "đường, not dương/đương"),
    Case("duong day nong", "QT-TE-01", "folded đường dây nóng"),
    Case("đương sự", "QT-LĐ-03", "đương, not đường/dương"),
    Case("tuyên dương", "QT-VP-03", "tuyên dương in the title beats a body mention"),
    Case("Bình Dương", "QT-VP-05", "place name"),
    Case("điều dưỡng phục hồi sức khoẻ", "QT-NCC-06", "new-style khoẻ finds old-style khỏe"),
    Case("khám sức khỏe định kỳ", "QT-ATLĐ-02", "old-style khỏe finds new-style khoẻ"),
    # hoà / hòa
    Case("hòa giải viên lao động", "QT-LĐ-02", "old-style hòa, the title has hoà"),
    Case("hoà giải tranh chấp lao động cá nhân", "QT-LĐ-03", "vs bổ nhiệm hoà giải viên"),
    Case("thoa uoc lao dong tap the", "QT-LĐ-04", "folded thoả ước"),
    # decomposed (NFD) input
    Case("trợ cấp xã hội hằng tháng người cao tuổi", "QT-BTXH-01", "NFD query", {NFD: True}),
    Case("đăng ký nội quy lao động", "QT-LĐ-01", "NFD query", {NFD: True}),
    # phrases
    Case('"chăm sóc thay thế"', "QT-TE-03", "quoted phrase"),
    Case('"can thiep khan cap"', "QT-TE-02", "quoted folded phrase"),
    Case('"trung tâm giáo dục nghề nghiệp tư thục" công nhận', "QT-GDNN-03", "phrase + word"),
    Case("thành lập trung tâm giáo dục nghề nghiệp", "QT-GDNN-02", "adjacent words rank first"),
    Case("giáo dục nghề nghiệp đăng ký hoạt động", "QT-GDNN-01", "title words in another order"),
    Case("đào tạo sơ cấp lao động nông thôn", "QT-GDNN-04", "scattered title words"),
    # codes
    Case("QT-01/LĐTBXH", "QT-01/LĐTBXH", "code as written"),
    Case("qt-02/ldtbxh", "QT-02/LĐTBXH", "code folded, lower case"),
    Case("QT.VL.07", "QT.VL.07", "dotted code"),
    Case("qt-atld-04", "QT-ATLĐ-04", "code with đ folded"),
    Case("1.001978", "QT-01/LĐTBXH", "short TTHC code"),
    Case("1.000105.000.00.00.H37", "QT.VL.05", "full TTHC code"),
    Case("2.000286", "QT-BTXH-01", "short query, full code indexed"),
    Case("QT-NCC-03 hài cốt", "QT-NCC-03", "code with words"),
    # filters
    Case("office:TE trẻ em", "QT-TE-04", "office filter: the short title wins among TE"),
    Case("giấy phép office:LĐTL", "QT-LĐ-05", "office filter excludes VL work permits"),
    Case("code:QT-ATLĐ khai báo thiết bị", "QT-ATLĐ-03", "code prefix filter"),
    Case("tthc:1.002519", "QT-NCC-01", "tthc filter alone"),
    Case("hồ sơ", "QT-VP-05", "common words: title match first", {}),
    Case("tài liệu hệ thống quản lý chất lượng", "QT-VP-01", "ISO document control"),
    Case("tai nan lao dong", "QT-ATLĐ-01", "vs chuyển đổi nghề cho người bị tai nạn lao động"),
    # revisions and withdrawn procedures
    Case("con dấu văn thư", "QT-VP-06", "current revision only"),
    Case("cấp sổ lao động", "QT-VL-10", "withdrawn, asked for", {"include_withdrawn": True}),
)

# Queries whose only matches are superseded or withdrawn: nothing by default.
HIDDEN_BY_DEFAULT: tuple[tuple[str, str, dict[str, object]], ...] = (
    ("Kh-07", "qt-vp-06@1", {"all_revisions": True}),
    ('"mẫu sổ theo dõi kiểu"', "qt-vp-06@1", {"all_revisions": True}),
    ('"cấp sổ lao động"', "qt-vl-10@1", {"include_withdrawn": True}),
)
