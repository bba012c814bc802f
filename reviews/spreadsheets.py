"""Lists the editorial team downloads as CSV (review dates, the evidence pack's index)."""


def safe_cell(value) -> str:
    """A cell a spreadsheet shows as text: one starting with = + - @ (or a tab or a return)
    would be run as a formula, so it gets a leading quote, as OWASP advises for CSV files.
    A negative number stays a number."""
    text = "" if value is None else str(value)
    if text[:1] in {"=", "+", "-", "@", "\t", "\r"} and not text.lstrip("-").isdigit():
        return f"'{text}"
    return text
