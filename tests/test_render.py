"""One message, rendered for the web and for SMS."""
import pytest
from rasa.shared.core.events import BotUttered, UserUttered

from tms.knowledge import Source
from tms.render import (
    Button,
    Message,
    Reference,
    for_widget,
    from_bot_message,
    numbered_choice,
    outgoing,
    sms_parts,
    web_text,
)
from addons.channels import allowed_origins, last_choices

SOURCES = (Reference("Title A", "Pub A", "https://a.example/x"),
           Reference("Title B", "Pub B", None))


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
    assert len(parts) > 1  # every limit here is shorter than the whole message
    for sentence in ("First sentence is here.", "Second one follows it.",
                     "Last sentence."):
        assert any(sentence in p for p in parts), f"{sentence!r} was cut"


def test_a_source_becomes_the_reference_a_patient_sees():
    source = Source("a", "Title A", "Pub A", "https://a.example/x", None)
    assert Reference.of(source) == SOURCES[0]


def bot_message_as_rasa_hands_it_to_a_channel(**utter_message_kwargs) -> dict:
    """What Rasa does with an action's message: extra keys become event metadata,
    and the output channel gets BotUttered.message()."""
    kwargs = dict(utter_message_kwargs)
    event = BotUttered(kwargs.pop("text"), {"buttons": kwargs.pop("buttons")}, kwargs)
    return event.message()


def test_an_answer_survives_the_trip_through_rasa_for_every_channel():
    message = Message("Answer.", (Button("Helpful", "/feedback_positive"),), SOURCES)
    bot = bot_message_as_rasa_hands_it_to_a_channel(**outgoing(message))
    assert bot["text"] == web_text(message)  # REST shows the Sources block inline
    assert from_bot_message(bot) == message
    assert for_widget(from_bot_message(bot)) == {
        "text": "Answer.",
        "buttons": [{"title": "Helpful", "payload": "/feedback_positive"}],
        "sources": [{"title": "Title A", "publisher": "Pub A",
                     "url": "https://a.example/x"},
                    {"title": "Title B", "publisher": "Pub B", "url": None}],
        "emergency": False}


def test_domain_responses_render_and_emergencies_are_flagged():
    emergency = from_bot_message({"text": "Call 911 now.",
                                  "utter_action": "utter_emergency_stroke_signs"})
    assert emergency == Message("Call 911 now.", emergency=True)
    assert for_widget(emergency)["emergency"] is True
    assert sms_parts(emergency) == ["URGENT: Call 911 now."]
    greeting = from_bot_message({"text": "Hello!", "utter_action": "utter_greet"})
    assert not greeting.emergency and for_widget(greeting)["sources"] == []


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<b>x</b>",
                                 "//evil.example", "not a url"])
def test_the_widget_never_gets_a_link_it_could_run(url):
    rendered = for_widget(Message("x", sources=(Reference("T", "P", url),)))
    assert rendered["sources"] == [{"title": "T", "publisher": "P", "url": None}]


def test_a_malformed_bot_message_still_renders_its_text():
    message = from_bot_message({"text": "Hi", "tms": "junk", "buttons": ["junk"]})
    assert message == Message("Hi")


@pytest.mark.parametrize("reply, chosen", [("1", "/a"), (" 2 ", "/b"), ("2)", "/b"),
                                           ("#1", "/a"), ("3", None), ("0", None),
                                           ("1 more thing", None), ("", None)])
def test_a_numbered_reply_picks_that_choice(reply, chosen):
    buttons = (Button("Stroke", "/a"), Button("PLP", "/b"))
    result = numbered_choice(reply, buttons)
    assert (result.payload if result else None) == chosen


def test_numbered_choices_are_those_of_the_last_reply_only():
    asked = BotUttered("Which?", {"buttons": [{"title": "Stroke", "payload": "/a"}]})
    assert [b.payload for b in last_choices([asked])] == ["/a"]
    assert [b.payload for b in last_choices([asked, BotUttered("More")])] == ["/a"]
    assert last_choices([asked, UserUttered("1"), BotUttered("Answer")]) == []


def test_widget_origins_setting():
    assert allowed_origins("*") == "*"
    assert allowed_origins("") == "*"
    assert allowed_origins("https://a.example/, https://b.example") == [
        "https://a.example", "https://b.example"]
