"""Send messages to a running assistant over REST and print the replies.

Usage: python scripts/chat.py [--url http://localhost:5005] [--sender ID] MESSAGE...
Handy for trying the assistant from a terminal without a widget.
"""
from __future__ import annotations

import argparse
import sys
import uuid

import requests


def send(url: str, sender: str, text: str, timeout: float = 30) -> list:
    response = requests.post(f"{url}/webhooks/rest/webhook",
                             json={"sender": sender, "message": text}, timeout=timeout)
    response.raise_for_status()
    return response.json()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:5005")
    parser.add_argument("--sender", default=f"cli-{uuid.uuid4().hex[:8]}")
    parser.add_argument("messages", nargs="+")
    args = parser.parse_args()
    for text in args.messages:
        print(f"YOU: {text}")
        for reply in send(args.url, args.sender, text):
            print("BOT: " + reply.get("text", "").replace("\n", "\n     "))
            for button in reply.get("buttons", []):
                print(f"     [{button['title']}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
