#!/usr/bin/env python3
"""Reads pidgin-otr's status from Pidgin's accessibility tree (AT-SPI).

    atspi.py BUDDY   prints the label of pidgin-otr's button ("Private", "Unverified",
                     "Not private" or "Finished") in the Pidgin conversation window whose
                     title starts with BUDDY; exits 1 if there is no such window or button.

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


def status(buddy):
    desktop = pyatspi.Registry.getDesktop(0)
    for app in desktop:
        if app is None or app.name.lower() != "pidgin":
            continue
        for window in app:
            if window is None or not window.name.startswith(buddy):
                continue
            for node in walk(window):
                if node.getRoleName() in ("push button", "label") and node.name.strip() in STATUSES:
                    return node.name.strip()
    return None


def main():
    found = status(sys.argv[1])
    if found is None:
        return 1
    print(found)
    return 0


if __name__ == "__main__":
    sys.exit(main())
