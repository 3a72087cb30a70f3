#!/usr/bin/env bash
# HexChat with the rebuilt hexchat-otr on Debian's libotr, irssi on ours (tests/e2e-source/hexchat.sh).
HEXCHAT_LIB=system exec bash "$(dirname "$0")/hexchat.sh"
