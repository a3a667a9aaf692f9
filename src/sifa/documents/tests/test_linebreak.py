from sifa.documents.linebreak import break_lines


def width(token: str) -> float:
    return float(len(token))  # one unit a character


def test_latin_runs_stay_whole() -> None:
    assert break_lines("身份号码：370102198001010017，住址", width, 20) == [
        "身份号码：",
        "370102198001010017，住",
        "址",
    ]


def test_latin_run_longer_than_a_line_is_split_after_all() -> None:
    assert break_lines("号码11010519491231002X", width, 10) == ["号码11010519", "491231002X"]


def test_short_latin_run_moves_to_the_next_line_whole() -> None:
    assert break_lines("金额为人民币12,345.60元", width, 10) == ["金额为人民币", "12,345.60元"]


def test_punctuation_never_starts_a_line() -> None:
    assert break_lines("一二三四五六七八九十，十一", width, 10) == ["一二三四五六七八九", "十，十一"]


def test_opening_bracket_never_ends_a_line() -> None:
    assert break_lines("一二三四五六七八九《法律》", width, 10) == ["一二三四五六七八九", "《法律》"]
    assert break_lines("一二三四五六七八《法律》", width, 10) == ["一二三四五六七八《法", "律》"]


def test_first_line_indent() -> None:
    assert break_lines("一二三四五六七八九十", width, 6, first_indent=2) == ["一二三四", "五六七八九十"]
