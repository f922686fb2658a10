"""Text helpers: what a terminal shows of text that came from another server."""

import pytest

from fediart.text import terminal_safe


@pytest.mark.parametrize(("hostile", "shown"), [
    ("\x1b[2J\x1b[Hbob", "bob"),  # clear the screen, cursor home
    ("\x1b[1;31mred\x1b[0m", "red"),  # colours
    ("\x1b]0;owned\x07bob", "bob"),  # OSC window title, BEL-terminated
    ("\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\", "click"),  # OSC 8 hyperlink, ST-terminated
    ("\x1b]52;c;ZWNobyBvd25lZA==\x07x", "x"),  # OSC 52 clipboard write
    ("\x1bPq#0;2;0;0;0\x1b\\x", "x"),  # DCS (sixel)
    ("\x9b2J\x9d0;t\x9cbob", "bob"),  # the 8-bit C1 forms of CSI, OSC and ST
    ("\x1bcbob", "bob"),  # full reset, a two-character escape
    ("bob\x1b", "bob"),  # a lone ESC at the end
    ("evil\rgood", "evil good"),  # CR would rewind the line and overwrite it
    ("admin\x08\x08\x08\x08\x08guest", "adminguest"),  # backspaces rub out what was printed
    ("a\x07\x00\x7f\x85b", "a b"),  # BEL, NUL, DEL removed; NEL is a line break
    ("x\u202egnp.exe", "xgnp.exe"),  # right-to-left override
    ("\u2066\u2067\u2068x\u2069\u202a\u202b\u202c\u202d\u200e\u200f\u061c", "x"),  # isolates, embeddings, marks
    ("line one\nline two\r\n\tthree", "line one line two three"),
    ("a\u2028b\u2029c\x0bd\x0ce", "a b c d e"),
    ("bad\udc80surrogate", "badsurrogate"),
])
def test_controls_and_escapes_are_removed(hostile, shown):
    assert terminal_safe(hostile) == shown


def test_ordinary_text_is_untouched():
    text = "Ana Lima 🎨 — «Héron» 北斎 عربي @ana@art.example https://art.example/@ana?x=1&y=[2] 👩‍🎨"
    assert terminal_safe(text) == text
    assert terminal_safe(12) == "12"
