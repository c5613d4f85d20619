"""ReportLab briefs: pure functions of redacted records and options that write PDFs."""
