#!/usr/bin/env bash
# The bitlbee scenario with bitlbee on Debian's libotr and profanity on ours.
BITLBEE_LIB=system exec bash "$(dirname "$0")/bitlbee.sh"
