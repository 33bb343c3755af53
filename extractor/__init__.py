"""Extract loads, cables and buses from electrical engineering workbooks."""

__version__ = "0.1.0"
