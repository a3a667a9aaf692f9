"""Line breaking for Chinese body text in the PDF (reportlab's CJK wrap splits anywhere).

Rules: a run of Latin letters and digits (an identity number, an amount, a URL) is never split
unless it is longer than a line; punctuation that may not start a line (，。、；：）》 …) takes the
previous character down with it; an opening bracket or quote never ends a line.
"""

import re
from collections.abc import Callable

from reportlab.lib.textsplit import ALL_CANNOT_END, ALL_CANNOT_START

CANNOT_START = ALL_CANNOT_START + "，、；：？！）》」』】〕%"
CANNOT_END = ALL_CANNOT_END + "（《「『【〔"
_TOKEN = re.compile(r"[0-9A-Za-z][0-9A-Za-z.,:/\-_%]*|.", re.DOTALL)


def break_lines(text: str, width: Callable[[str], float], line_width: float, first_indent: float = 0) -> list[str]:
    """Split `text` into lines no wider than `line_width` (the first narrower by `first_indent`)."""
    lines: list[str] = []
    current: list[str] = []
    used = 0.0
    limit = line_width - first_indent

    def flush() -> None:
        nonlocal current, used, limit
        lines.append("".join(current))
        current, used, limit = [], 0.0, line_width

    tokens: list[str] = []
    for token in _TOKEN.findall(text):
        # A run longer than a whole line is split after all, character by character.
        tokens.extend(token if len(token) > 1 and width(token) > line_width else [token])
    for token in tokens:
        token_width = width(token)
        if used + token_width <= limit or not current:
            current.append(token)
            used += token_width
            continue
        carried: list[str] = []
        if token[0] in CANNOT_START and len(current) > 1:
            carried.append(current.pop())  # take the last character down with the punctuation
        while len(current) > 1 and current[-1][-1] in CANNOT_END:
            carried.insert(0, current.pop())
        flush()
        current = [*carried, token]
        used = sum(width(t) for t in current)
    if current:
        lines.append("".join(current))
    return lines
