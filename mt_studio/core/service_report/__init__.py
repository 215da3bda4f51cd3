"""The service report as a terminal text, JSON, CSV, a spreadsheet and a PDF, all laid out from
one `layout.report_layout` so that they never disagree; `files.write_report` writes any of them.

The forms load their libraries (openpyxl, reportlab) only when asked for one."""
