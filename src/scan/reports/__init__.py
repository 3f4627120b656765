"""File builders: PDF, Excel and CSV as bytes."""
