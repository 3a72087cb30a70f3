#!/usr/bin/env bash
# Pidgin with pidgin-otr rebuilt from source against our headers (E2E_PIDGIN_OTR), on our
# libotr.so.5, under Xvfb: two Pidgins (alice, bob) and profanity (carol, Debian's, on
# ours) on a local prosody through a recording relay.
#
# Pidgin is driven only through libpurple's D-Bus interface (dbus-send to
# im.pidgin.purple.PurpleService, one session bus per Pidgin) and pidgin-otr's own
# preferences in prefs.xml: OTR enabled, started automatically, and required
# ("onlyprivate"): a message typed before the session is held back by the library,
# the AKE runs, and the message is sent encrypted. What Pidgin shows is read back by
# program: its conversation logs (plain text), and pidgin-otr's status button through
# the AT-SPI accessibility tree (tests/e2e-source/atspi.py). A screenshot of the
# conversation window with that status goes to $E2E_SHOTS.
#
# What pidgin-otr does with the library (measured in its 4.0.2 source): it generates
# the key on first need with otrl_privkey_generate_FILEp (the calling thread waits),
# keeps one OtrlUserState for all accounts, stores trust as "smp" after a successful
# SMP and writes otr.fingerprints at once, and reads ConnContext fields (msgstate,
# active_fingerprint->trust, smstate->nextExpected) to choose its status label.
source "$(dirname "$0")/../e2e/lib.sh"
PIDGIN_OTR=${E2E_PIDGIN_OTR:?E2E_PIDGIN_OTR: the rebuilt pidgin-otr.so}
SHOTS=${E2E_SHOTS:-$WORK}
HERE=$(cd "$(dirname "$0")" && pwd)
T=pidgin
SECS=30

XMPP_PORT=$(free_port)
RELAY_PORT=$(free_port)
WIRE=$WORK/wire.log
start_prosody alice bob carol
spawn "$WORK/relay.log" python3 "$E2E_DIR/relay.py" "$RELAY_PORT" "$XMPP_PORT" "$WIRE"
wait_port "$XMPP_PORT" 15 && wait_port "$RELAY_PORT" 10 ||
    { fail $T-servers "prosody or relay did not listen" "$WORK/prosody/out.log" "$WORK/relay.log"; exit 0; }

start_xvfb || { fail $T-xvfb "Xvfb did not start" "$WORK/xvfb.log"; exit 0; }

# pidgin_home USER : a Pidgin configuration directory with USER's XMPP account (no TLS,
# through the relay), the rebuilt pidgin-otr loaded, OTR automatic and required, text
# logs of every conversation.
pidgin_home() {
    local d=$WORK/$1/purple
    mkdir -p "$d/plugins"
    ln -sf "$PIDGIN_OTR" "$d/plugins/pidgin-otr.so"
    cat >"$d/accounts.xml" <<XML
<?xml version='1.0' encoding='UTF-8' ?>
<account version='1.0'>
 <account>
  <protocol>prpl-jabber</protocol>
  <name>$1@localhost/pidgin</name>
  <password>pw</password>
  <settings>
   <setting name='connect_server' type='string'>127.0.0.1</setting>
   <setting name='port' type='int'>$RELAY_PORT</setting>
   <setting name='connection_security' type='string'>opportunistic_tls</setting>
   <setting name='auth_plain_in_clear' type='bool'>1</setting>
  </settings>
  <settings ui='gtk-gaim'><setting name='auto-login' type='bool'>1</setting></settings>
 </account>
</account>
XML
    cat >"$d/prefs.xml" <<XML
<?xml version='1.0' encoding='UTF-8' ?>
<pref version='1' name='/'>
 <pref name='OTR'>
  <pref name='enabled' type='bool' value='1'/>
  <pref name='automatic' type='bool' value='1'/>
  <pref name='onlyprivate' type='bool' value='1'/>
  <pref name='avoidloggingotr' type='bool' value='0'/>
  <pref name='showotrbutton' type='bool' value='1'/>
 </pref>
 <pref name='pidgin'>
  <pref name='plugins'>
   <pref name='loaded' type='pathlist'><item value='$d/plugins/pidgin-otr.so'/></pref>
  </pref>
  <pref name='debug'><pref name='enabled' type='bool' value='0'/></pref>
 </pref>
 <pref name='purple'>
  <pref name='logging'>
   <pref name='log_ims' type='bool' value='1'/>
   <pref name='log_system' type='bool' value='0'/>
   <pref name='format' type='string' value='txt'/>
  </pref>
 </pref>
</pref>
XML
}
# start_pidgin USER : USER's own session bus (with the accessibility bus it activates)
# and Pidgin on it, on our libotr.so.5; sets PID_<USER>.
start_pidgin() {
    local bus=$WORK/$1/bus
    [ -S "$bus" ] || spawn "$WORK/$1/dbus.log" dbus-daemon --session --nofork --address="unix:path=$bus"
    local deadline=$((SECONDS + 10))
    until [ -S "$bus" ] || [ $SECONDS -ge $deadline ]; do sleep 0.1; done
    spawn "$WORK/$1/pidgin.log" env DBUS_SESSION_BUS_ADDRESS="unix:path=$bus" NO_AT_BRIDGE=0 \
        GTK_MODULES=gail:atk-bridge HOME="$WORK/$1" $(lib_env ours) pidgin -c "$WORK/$1/purple" -d
    printf -v "PID_$1" %s "$!"
}
# purple USER METHOD ARG... : calls libpurple's D-Bus METHOD in USER's Pidgin, prints the
# reply's value(s).
purple() {
    local user=$1 method=$2
    shift 2
    DBUS_SESSION_BUS_ADDRESS="unix:path=$WORK/$user/bus" dbus-send --print-reply=literal \
        --dest=im.pidgin.purple.PurpleService /im/pidgin/purple/PurpleObject \
        "im.pidgin.purple.PurpleInterface.$method" "$@" 2>>"$WORK/$user/dbus-send.log" |
        awk '{print $NF}'
}
# connected NAME USER : waits for USER's account to be online; sets ACCT_<USER>.
connected() {
    local deadline=$((SECONDS + SECS)) acct=0
    while [ $SECONDS -lt $deadline ]; do
        acct=$(purple "$2" PurpleAccountsFind string:"$2@localhost/pidgin" string:prpl-jabber)
        [ "${acct:-0}" != 0 ] && [ "$(purple "$2" PurpleAccountIsConnected int32:"$acct")" = 1 ] && break
        acct=0
        sleep 0.5
    done
    if [ "$acct" != 0 ]; then pass "$1"; else fail "$1" "$2's account never connected" "$WORK/$2/pidgin.log"; exit 0; fi
    printf -v "ACCT_$2" %s "$acct"
}
# say USER BUDDY TEXT : USER's Pidgin sends TEXT to BUDDY as if typed.
say() {
    local acct_var=ACCT_$1 conv im
    conv=$(purple "$1" PurpleConversationNew int32:1 int32:"${!acct_var}" string:"$2")
    im=$(purple "$1" PurpleConvIm int32:"$conv")
    purple "$1" PurpleConvImSend int32:"$im" string:"$3" >/dev/null
}
# in_log NAME USER REGEX [COUNT] : USER's conversation logs show REGEX.
in_log() {
    local deadline=$((SECONDS + SECS))
    while [ $SECONDS -lt $deadline ]; do
        [ "$(cat "$WORK/$2"/purple/logs/jabber/*/*/*.txt 2>/dev/null | grep -Ec -- "$3")" -ge "${4:-1}" ] &&
            { pass "$1"; return 0; }
        sleep 0.3
    done
    cat "$WORK/$2"/purple/logs/jabber/*/*/*.txt >"$WORK/$2/logs.txt" 2>/dev/null
    fail "$1" "$2's logs never showed /$3/" "$WORK/$2/logs.txt" "$WORK/$2/pidgin.log"
    exit 0
}
pid_of() { local v=PID_$1; echo "${!v}"; }
# otr_status NAME USER BUDDY STATUS : pidgin-otr's button in USER's conversation with
# BUDDY reads STATUS (Private, Unverified, Not private, Finished), per the AT-SPI tree.
otr_status() {
    local deadline=$((SECONDS + SECS)) got=
    while [ $SECONDS -lt $deadline ]; do
        got=$(DBUS_SESSION_BUS_ADDRESS="unix:path=$WORK/$2/bus" timeout 20 /usr/bin/python3 "$HERE/atspi.py" \
            status "$(pid_of "$2")" "$3" 2>>"$WORK/$2/atspi.log")
        [ "$got" = "$4" ] && { pass "$1"; return 0; }
        sleep 1
    done
    DBUS_SESSION_BUS_ADDRESS="unix:path=$WORK/$2/bus" timeout 20 /usr/bin/python3 "$HERE/atspi.py" \
        dump "$(pid_of "$2")" - 2>>"$WORK/$2/atspi.log"
    fail "$1" "$2's OTR button for $3 reads '$got', not '$4'" "$WORK/$2/atspi.log"
}
# screenshot USER BUDDY FILE : the conversation window (its title is BUDDY) as FILE.
screenshot() {
    local win
    win=$(xdotool search --onlyvisible --name "^$2" 2>/dev/null | head -1)
    [ -n "$win" ] || return 1
    # No window manager: windows overlap at the origin, so this one is raised first.
    xdotool windowraise "$win" && sleep 1 &&
        import -window "$win" "$3" 2>>"$WORK/import.log" && [ -s "$3" ]
}

for u in alice bob; do pidgin_home $u; done
start_pidgin alice
start_pidgin bob
connected $T-alice-connects alice
connected $T-bob-connects bob
check_loaded $T-alice-loads-ours "$PID_alice" ours
check_rebuilt $T-alice-runs-rebuilt-pidgin-otr "$PID_alice" "$PIDGIN_OTR"
check_loaded $T-bob-loads-ours "$PID_bob" ours

# alice types first: the library holds the message, sends an OTR query, both Pidgins
# generate their keys and run the AKE, then the held message goes out encrypted.
MSG_A="alice-says-$RANDOM$RANDOM"
MSG_B="bob-answers-$RANDOM$RANDOM"
say alice bob@localhost "$MSG_A"
in_log $T-alice-private alice "(Unverified|Private).* conversation with bob@localhost"
in_log $T-bob-private bob "(Unverified|Private).* conversation with alice@localhost"
check $T-alice-key-written grep -q '(private-key' "$WORK/alice/purple/otr.private_key"
in_log $T-bob-reads-alice bob "alice@localhost[^:]*: $MSG_A"
say bob alice@localhost "$MSG_B"
in_log $T-alice-reads-bob alice "bob@localhost[^:]*: $MSG_B"
check $T-wire-has-data-messages grep -q '?OTR:AAMD' "$WIRE"
no_plaintext $T-wire-no-plaintext "$MSG_A" "$MSG_B"
otr_status $T-alice-status-unverified alice bob@localhost Unverified
screenshot alice bob@localhost "$SHOTS/pidgin-unverified.png" && pass $T-screenshot-unverified ||
    fail $T-screenshot-unverified "no conversation window to capture" "$WORK/import.log"

# carol: profanity (Debian's) on our library.
PROF=$WORK/carol
profanity_home "$PROF" carol
C=$(tmux_start carol env HOME="$PROF" XDG_CONFIG_HOME="$PROF/config" XDG_DATA_HOME="$PROF/data" \
    TERM=screen $(lib_env ours) profanity -a carol@localhost)
# Waits for carol's screen to show REGEX (COUNT times); the scenario stops at a miss.
on_carol() { # on_carol NAME REGEX [COUNT]
    local deadline=$((SECONDS + SECS))
    while [ $SECONDS -lt $deadline ]; do
        [ "$(pane carol | grep -Ec -- "$2")" -ge "${3:-1}" ] && { pass "$1"; return 0; }
        sleep 0.3
    done
    pane carol >"$WORK/carol.pane"
    fail "$1" "profanity never showed /$2/" "$WORK/carol.pane"
    exit 0
}
# Answers the SMP request open in alice's Pidgin with SECRET, through its dialog.
smp_answer() { # smp_answer NAME SECRET
    local deadline=$((SECONDS + SECS))
    while [ $SECONDS -lt $deadline ]; do
        [ "$(DBUS_SESSION_BUS_ADDRESS="unix:path=$WORK/alice/bus" timeout 20 /usr/bin/python3 \
            "$HERE/atspi.py" answer "$PID_alice" "$2" 2>>"$WORK/alice/atspi.log")" = answered ] && { pass "$1"; return 0; }
        sleep 1
    done
    fail "$1" "no Authenticate Buddy dialog to answer in alice's Pidgin" "$WORK/alice/atspi.log"
    exit 0
}
on_carol $T-profanity-connects "logged in successfully"
check_loaded $T-profanity-loads-ours "$C" ours
type_line carol "/otr gen"
on_carol $T-profanity-keygen "Private key generation complete"
type_line carol "/msg alice@localhost"
MSG_A2="alice-to-carol-$RANDOM$RANDOM"
MSG_C="carol-answers-$RANDOM$RANDOM"
say alice carol@localhost "$MSG_A2"
on_carol $T-profanity-secure "OTR session started"
on_carol $T-profanity-reads-alice "$MSG_A2"
type_line carol "$MSG_C"
in_log $T-alice-reads-carol alice "carol@localhost[^:]*: $MSG_C"
no_plaintext $T-profanity-wire-no-plaintext "$MSG_A2" "$MSG_C"

# SMP from profanity: a question (only carol learns), a wrong secret (which, as in
# libotr, leaves the fingerprint untrusted), then a shared secret (both learn, and the
# library marks carol's fingerprint "smp", which pidgin-otr shows as Private).
type_line carol '/otr question "Favourite colour?" blue'
smp_answer $T-alice-answers-question blue
on_carol $T-smpq-success "Authentication successful"
type_line carol "/otr secret red"
smp_answer $T-alice-answers-wrong-secret green
on_carol $T-smp-wrong-secret "Authentication failed"
type_line carol "/otr secret s3cret"
smp_answer $T-alice-answers-secret s3cret
on_carol $T-smp-success "Authentication successful" 2
FPS=$WORK/alice/purple/otr.fingerprints
if wait_for "$FPS" "^carol@localhost	alice@localhost/pidgin	prpl-jabber	[0-9a-f]{40}	smp" $SECS; then
    pass $T-fingerprint-trusted-after-smp
else fail $T-fingerprint-trusted-after-smp "no smp trust for carol" "$FPS"; fi
otr_status $T-alice-status-private alice carol@localhost Private
screenshot alice carol@localhost "$SHOTS/pidgin-private.png" && pass $T-screenshot-private ||
    fail $T-screenshot-private "no conversation window to capture" "$WORK/import.log"

# Pidgin restarts: its key and carol's trusted fingerprint are read back by our library,
# and the new session with carol is private (verified) at once.
stop_pid "$PID_alice"
start_pidgin alice
connected $T-restart-alice-connects alice
check_loaded $T-restart-alice-loads-ours "$PID_alice" ours
MSG_A3="after-restart-$RANDOM$RANDOM"
say alice carol@localhost "$MSG_A3"
on_carol $T-restart-profanity-reads-alice "$MSG_A3"
otr_status $T-restart-status-private alice carol@localhost Private
no_plaintext $T-restart-wire-no-plaintext "$MSG_A3"

# Finishing: carol ends the session, alice's Pidgin says so.
type_line carol "/otr end"
in_log $T-alice-sees-finish alice "carol@localhost(/prof)? has ended his/her private conversation"
otr_status $T-alice-status-finished alice carol@localhost Finished
type_line carol "/quit"
wait_exit "$C" 10 && pass $T-profanity-exits || fail $T-profanity-exits "profanity did not quit"
exit 0
