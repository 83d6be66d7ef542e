"""Reports over the controlled repository: the master list (danh mục tài liệu), review and
citation records, the yearly ISO report (báo cáo tình hình thực hiện ISO).

- ``repo.py``: the adapter: the repository as it stood at a date (snapshots), the history's
  events, the reviews and replaced-laws files (read and commit);
- ``masterlist.py``: the master list (pure) and its writers (text, json, csv, xlsx, html, docx);
- ``yearly.py``: the yearly report's figures (pure), ``template.py``: the editable template,
  ``yearly_writers.py``: markdown, json, docx;
- ``nd30.py``: the administrative-document layout of Nghị định 30/2020/NĐ-CP for .docx files.
"""
