#!/usr/bin/env bash
# HexChat with hexchat-otr rebuilt from source against our headers (E2E_HEXCHAT_OTR), on our
# libotr.so.5, under Xvfb, against irssi with its OTR module (the rebuilt one under make
# e2e-source, E2E_IRSSI) over a local ngircd through a recording relay. HexChat is driven
# by its own command line: every command and message is typed into its input box
# (xdotool, on a display of its own); what it prints is read back from its text logs.
# Keys, AKE, messages both ways, ciphertext only on the wire, SMP (a shared secret, a
# question from irssi, a wrong secret), finishing.
#
# What hexchat-otr does with the library (measured in its 0.2.2 source): its account
# names are "nick@network"; /otr genkey forks a child that runs otrl_privkey_generate
# and the parent reads the file back; /otr start sends "?OTRv23?" itself; it reads
# ConnContext fields (msgstate, smstate->nextExpected, active_fingerprint->trust).
source "$(dirname "$0")/../e2e/lib.sh"
HEXCHAT_OTR=${E2E_HEXCHAT_OTR:?E2E_HEXCHAT_OTR: the rebuilt hexchat-otr otr.so}
# HEXCHAT_LIB=system runs HexChat on Debian's libotr instead; irssi stays on ours.
HEXCHAT_LIB=${HEXCHAT_LIB:-ours}
T=hexchat
[ "$HEXCHAT_LIB" = system ] && T=hexchat-mixed
SECS=30

start_ngircd $T

start_xvfb || { fail $T-xvfb "Xvfb did not start" "$WORK/xvfb.log"; exit 0; }

# bob: irssi with its OTR module, logging every window.
mkdir -p "$WORK/bob"
cat >"$WORK/bob/config" <<CONF
servers = ( { address = "127.0.0.1"; chatnet = "test"; port = "$RELAY_PORT"; autoconnect = "yes"; } );
chatnets = { test = { type = "IRC"; cmdmax = "100"; cmdspeed = "10"; }; };
settings = { core = { real_name = "bob"; user_name = "bob"; nick = "bob"; settings_autosave = "no"; }; };
CONF
BOBLOG=$WORK/bob/all.log
printf 'load otr\nlog open %s ALL\n' "$BOBLOG" >"$WORK/bob/startup"
: >"$BOBLOG"
B=$(tmux_start bob env HOME="$WORK/bob" TERM=screen $(lib_env ours) "$IRSSI" --home="$WORK/bob")

# hexa: HexChat with the rebuilt plugin in its addons directory, connecting at start,
# logging every tab, without flood throttling (an SMP message is several fragments).
HX=$WORK/hexa
mkdir -p "$HX/addons"
ln -sf "$HEXCHAT_OTR" "$HX/addons/otr.so"
cat >"$HX/hexchat.conf" <<CONF
irc_nick1 = hexa
irc_nick2 = hexa_
irc_user_name = hexa
irc_real_name = hexa
irc_logging = 1
irc_logmask = %c.log
irc_timestamp = 0
gui_join_dialog = 0
gui_slist_skip = 1
gui_quit_dialog = 0
gui_tab_newtofront = 1
net_throttle = 0
CONF
cat >"$HX/servlist.conf" <<CONF
v=2.16.1

N=test
F=10
S=127.0.0.1/$RELAY_PORT
CONF
spawn "$WORK/hexchat.log" env $(lib_env "$HEXCHAT_LIB") HOME="$HX" hexchat -d "$HX"
H=$!
# Everything HexChat printed, in all its tabs.
hx_logs() { cat "$HX"/logs/*.log "$HX"/logs/*/*.log 2>/dev/null; }
on_hexa() { # on_hexa NAME REGEX [COUNT] : the scenario stops at a miss
    local deadline=$((SECONDS + SECS))
    while [ $SECONDS -lt $deadline ]; do
        [ "$(hx_logs | grep -Ec -- "$2")" -ge "${3:-1}" ] && { pass "$1"; return 0; }
        sleep 0.3
    done
    hx_logs >"$WORK/hexa.logs"
    fail "$1" "HexChat never printed /$2/" "$WORK/hexa.logs" "$WORK/hexchat.log"
    exit 0
}
on_bob() { # on_bob NAME REGEX [COUNT]
    if wait_count "$BOBLOG" "$2" "${3:-1}" $SECS; then pass "$1"; else
        fail "$1" "irssi never printed /$2/" "$BOBLOG"
        exit 0
    fi
}
# Types TEXT into HexChat's input box and presses Enter.
hx_type() { # hx_type TEXT
    local win
    win=$(xdotool search --onlyvisible --class hexchat 2>/dev/null | head -1)
    [ -n "$win" ] || { fail $T-window "no HexChat window" "$WORK/hexchat.log"; exit 0; }
    xdotool windowfocus --sync "$win" && xdotool type --delay 10 -- "$1" && xdotool key Return
}

# As root, HexChat first shows a warning dialog ("Running IRC as root...") and waits
# for it to be dismissed: its OK is the default button.
if [ "$(id -u)" = 0 ]; then
    deadline=$((SECONDS + SECS))
    until win=$(xdotool search --onlyvisible --class hexchat 2>/dev/null | head -1) && [ -n "$win" ] ||
        [ $SECONDS -ge $deadline ]; do sleep 0.3; done
    [ -n "$win" ] && xdotool windowfocus --sync "$win" && xdotool key Return
fi
on_bob $T-irssi-connects "End of MOTD"
on_hexa $T-connects "End of MOTD"
check_loaded $T-loads-$HEXCHAT_LIB "$H" "$HEXCHAT_LIB"
check_rebuilt $T-runs-rebuilt-hexchat-otr "$H" "$HEXCHAT_OTR"
check_loaded $T-irssi-loads-ours "$B" ours

hx_type "/otr genkey hexa@test"
type_line bob "/otr genkey test"
on_hexa $T-keygen "Key generation for hexa@test: completed"
on_bob $T-irssi-keygen "OTR key generation for test completed"

hx_type "/query bob"
sleep 1
hx_type "/otr start"
on_hexa $T-secure "gone .?secure"
on_bob $T-irssi-secure "Session secured"
MSG_H="hexa-says-$RANDOM$RANDOM"
MSG_B="bob-answers-$RANDOM$RANDOM"
hx_type "$MSG_H"
on_bob $T-irssi-reads-hexa "<.?hexa> $MSG_H"
type_line bob "/query hexa"
type_line bob "$MSG_B"
on_hexa $T-reads-bob "$MSG_B"
check $T-wire-has-data-messages grep -q 'PRIVMSG [a-z]* :?OTR:AAMD' "$WIRE"
no_plaintext $T-wire-no-plaintext "$MSG_H" "$MSG_B"

# SMP from irssi: a shared secret, a question, a wrong secret; HexChat answers.
type_line bob "/otr auth s3cret"
on_hexa $T-asked-secret "bob wants to authenticate\. Type /otr auth"
hx_type "/otr auth s3cret"
on_hexa $T-smp-success "Authentication successful"
on_bob $T-irssi-smp-success "Authentication with hexa successful"
type_line bob '/otr authq "Favourite colour?" blue'
on_hexa $T-asked-question "bob wants to authenticate and asked you .Favourite colour\?."
hx_type "/otr auth blue"
on_bob $T-irssi-smpq-success "Authentication with hexa successful" 2
type_line bob "/otr auth red"
on_hexa $T-asked-again "bob wants to authenticate\. Type /otr auth" 2
hx_type "/otr auth green"
on_hexa $T-smp-wrong-secret "Authentication failed"
on_bob $T-irssi-smp-wrong-secret "Authentication with hexa failed"

# Finishing, from HexChat.
hx_type "/otr finish"
on_hexa $T-finishes "Finished conversation with bob"
on_bob $T-irssi-sees-finish "hexa has finished the OTR session"
type_line bob "/quit"
wait_exit "$B" 10 && pass $T-irssi-exits || fail $T-irssi-exits "irssi did not quit"
exit 0
