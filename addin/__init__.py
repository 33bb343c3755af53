"""The Excel add-in: the ribbon entry point and the UDFs (built on xlwings)."""
