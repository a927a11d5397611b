"""Show exactly what a patient would see for one topic and condition, on the web and
by SMS. Usage: python -m tms.preview TOPIC [CONDITION] [--more]"""
from __future__ import annotations

import argparse
import sys
from typing import List, Optional

from tms import render
from tms.answering import Answer, NeedCondition, select
from tms.conditions import ENTRY_CONDITIONS, normalize_condition
from tms.knowledge import KnowledgeError, load_knowledge
from tms.readability import MAX_GRADE, grade


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("topic")
    parser.add_argument("condition", nargs="?", default=None,
                        help=f"one of {', '.join(ENTRY_CONDITIONS)} (optional)")
    parser.add_argument("--more", action="store_true", help="the longer answer")
    args = parser.parse_args(argv)
    try:
        kb = load_knowledge()
    except KnowledgeError as e:
        print(f"The knowledge has errors; fix them first:\n{e}", file=sys.stderr)
        return 1
    if args.topic not in kb.topics:
        print(f"No answers for topic '{args.topic}'. Topics: {', '.join(kb.topics)}",
              file=sys.stderr)
        return 1
    condition = normalize_condition(args.condition) if args.condition else None
    if args.condition and not condition and args.condition != "general":
        print(f"Unknown condition '{args.condition}'.", file=sys.stderr)
        return 1
    selection = select(kb, args.topic, condition)
    if isinstance(selection, Answer):
        entry = selection.entry
        message = render.answer(entry, kb.sources_of(entry), detailed=args.more)
        print(f"Entry shown: {entry.key} ({entry.file} line {entry.line})\n")
    elif isinstance(selection, NeedCondition):
        message = render.ask_condition(selection.options)
        print("The condition is unknown, so the patient is asked first:\n")
    else:
        message = render.no_sourced_answer(kb.clinic, condition)
        print("No answer applies, so the patient is told so:\n")
    print("=== Web chat ===")
    print(render.web_text(message))
    for button in message.buttons:
        print(f"  [ {button.title} ]")
    for number, part in enumerate(render.sms_parts(message), start=1):
        print(f"\n=== SMS message {number} ({len(part)} characters) ===\n{part}")
    if isinstance(selection, Answer):
        print("\n" + evidence(selection.entry, kb))
    return 0


def evidence(entry, kb) -> str:
    """What the answer rests on, for staff: each cited source's quoted passages, and
    the answer's reading grade."""
    lines = ["=== What it rests on (not shown to patients) ===",
             f"Reading grade of the short answer: about {grade(entry.text):g} "
             f"(aim for {MAX_GRADE:g} or below)"]
    for source_id in entry.sources:
        source = kb.sources[source_id]
        checked = ("" if source.text is not None
                   else " (no text in knowledge/sources/: not checked)")
        lines.append(f"\n{source.title} ({source.publisher}){checked}")
        for quote in entry.quotes.get(source_id, ()):
            lines.append(f'  > "{" ".join(quote.split())}"')
        if not entry.quotes.get(source_id):
            lines.append("  (no passages quoted)")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
