"""One message, rendered for the web and for SMS."""
import pytest

from actions.knowledge import Source
from actions.render import Button, Message, sms_parts, web_text

SOURCES = (Source("a", "Title A", "Pub A", "https://a.example/x", None),
           Source("b", "Title B", "Pub B", None, None))


def test_web_text_ends_with_the_sources_block():
    text = web_text(Message("Answer.", sources=SOURCES))
    assert text == ("Answer.\n\nSources:\n- Title A (Pub A) https://a.example/x\n"
                    "- Title B (Pub B)")


def test_sms_numbers_sources_and_choices():
    [sms] = sms_parts(Message("Answer.", (Button("Stroke", "/x"), Button("PLP", "/y")),
                              SOURCES))
    assert sms == ("Answer.\n\nSources:\n[1] Title A (Pub A) https://a.example/x\n"
                   "[2] Title B (Pub B)\n\nReply 1 for Stroke\nReply 2 for PLP")


@pytest.mark.parametrize("limit", [60, 120, 200])
def test_long_sms_splits_within_the_limit_without_breaking_sentences_or_links(limit):
    text = ("First sentence is here. Second one follows it. See "
            "https://example.org/a/very/long/path/that/must/stay/whole for more. "
            "Last sentence.")
    parts = sms_parts(Message(text, sources=SOURCES), limit=limit)
    assert all(len(p) <= limit for p in parts)
    joined = " ".join(parts)
    assert "https://example.org/a/very/long/path/that/must/stay/whole" in joined
    assert "https://a.example/x" in joined
    if limit >= 60:
        assert any(p.startswith("Second one follows it.") or "Second one follows it."
                   in p for p in parts)
