"""The Excel add-in, built on xlwings.

ribbon       the Extract button's entry point, ``extract_workbook()``
udfs         worksheet functions: EXTRACT_LOADS, EXTRACT_CABLES, ...
reading      an open workbook's sheets as grids (one read a sheet)
writing      result sheet plans carried out in an open workbook
marks        which sheets the add-in made
file_engine  xlwings on a workbook file, without Excel (with file_range,
             file_save); headless runs the button on a file
"""
