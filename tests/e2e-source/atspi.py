#!/usr/bin/env python3
"""Reads pidgin-otr's status from Pidgin's accessibility tree (AT-SPI).

    atspi.py status PID BUDDY   prints the label of pidgin-otr's button ("Private",
                                "Unverified", "Not private" or "Finished") in the
                                conversation with BUDDY of the Pidgin running as PID
    atspi.py answer PID SECRET  types SECRET into pidgin-otr's open "Authenticate Buddy"
                                dialog (an SMP request from the peer) and presses Authenticate
    atspi.py dump PID -         lists the applications and windows on the bus (on stderr)
Exits 1 when there is no such window, button or dialog. All the Pidgins on one X display
share one accessibility bus: PID tells them apart.

Pidgin must run with GTK_MODULES=gail:atk-bridge on the session bus this inherits.
"""
import sys

import pyatspi

STATUSES = ("Private", "Unverified", "Not private", "Finished")


def walk(node, depth=0):
    """Every accessible under node, node first (bounded depth: Pidgin's tree is shallow)."""
    if node is None or depth > 40:
        return
    yield node
    for i in range(node.childCount):
        try:
            child = node.getChildAtIndex(i)
        except Exception:  # a widget that went away while walking
            continue
        yield from walk(child, depth + 1)


def windows(pid, title):
    """The top-level windows of process pid whose title starts with title."""
    for app in pyatspi.Registry.getDesktop(0):
        if app is None or app.get_process_id() != pid:
            continue
        for window in app:
            if window is not None and window.name.startswith(title):
                yield window


def label(tree):
    """The first pidgin-otr status label under tree."""
    for node in walk(tree):
        if node.getRoleName() in ("push button", "label") and node.name.strip() in STATUSES:
            return node.name.strip()
    return None


def status(pid, buddy):
    """A conversation window is titled after its active tab: the tab named after buddy
    holds its status button, and is brought to the front (for a screenshot)."""
    for window in windows(pid, ""):
        for node in walk(window):
            if node.getRoleName() == "page tab" and node.name.startswith(buddy):
                node.parent.querySelection().selectChild(node.getIndexInParent())
                return label(node)
    for window in windows(pid, buddy):
        return label(window)
    return None


def showing(node):
    return node.getState().contains(pyatspi.STATE_SHOWING)


def answer(pid, secret):
    for window in windows(pid, "Authenticate Buddy"):
        nodes = [n for n in walk(window) if showing(n)]
        entries = [n for n in nodes if n.getRoleName() in ("text", "password text")
                   and n.getState().contains(pyatspi.STATE_EDITABLE)]
        buttons = [n for n in nodes if n.getRoleName() == "push button"
                   and n.name.replace("_", "") == "Authenticate"]
        if entries and buttons:
            entries[-1].queryEditableText().setTextContents(secret)
            buttons[0].queryAction().doAction(0)
            return "answered"
    return None


def dump(pid, _):
    """Every application and its top-level windows, for a failing check's log."""
    for app in pyatspi.Registry.getDesktop(0):
        if app is not None:
            print(app.get_process_id(), repr(app.name), [(w.getRoleName(), w.name) for w in app if w is not None],
                  "(wanted: %d)" % pid, file=sys.stderr)
    return None


def main():
    command, pid, arg = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    found = {"status": status, "answer": answer, "dump": dump}[command](pid, arg)
    if found is None:
        return 1
    print(found)
    return 0


if __name__ == "__main__":
    sys.exit(main())
