"""Domain vocabulary, value types, validation and the evidence rubric.

Plain Python: no Qt, no SQL.
"""
