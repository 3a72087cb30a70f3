#!/usr/bin/env bash
# profanity and mcabber (Debian's, unmodified) on our libotr.so.5, talking over a local
# prosody through a recording relay: keys, AKE (profanity offers only v2: "?OTR?v2?"),
# messages both ways, ciphertext only on the wire, SMP started by either side, with a
# question, a wrong secret, each client's own trust written and read back after a
# restart of that client, the end of the session; then mcabber on Debian's libotr
# (reading the fingerprint file ours wrote) against profanity on ours.
#
# What these clients do with the library (measured in their sources):
# - profanity's /otr trust frees ConnContext's active_fingerprint->trust with free()
#   and stores its own strdup("trusted") there (/otr untrust stores NULL), then calls
#   otrl_privkey_write_fingerprints: the string must be malloc'ed by us, and the file
#   must be written from the struct field.
# - mcabber generates its key with otrl_privkey_generate from inside otr_init (no
#   callback involved), reads ctx->smstate->secret to know whether an SMP question
#   is pending, and ctx->auth.authstate, ctx->otr_offer, ctx->protocol_version for
#   /otr info; its inject_message drops messages to JIDs not in its roster.
# - mcabber has no /otr trust: "/otr fingerprint JID FPR" compares FPR with
#   otrl_privkey_hash_to_human of ctx->active_fingerprint (so it needs a live session),
#   calls otrl_context_set_trust(fp, "trust") (NULL when FPR differs), and writes the
#   .fpr file itself with otrl_privkey_write_fingerprints; it reads that file only
#   once, in otr_init at start-up (otrl_privkey_read_fingerprints, no add_app_data).
#   On SIGTERM it logs out of the server before exiting (its trace log says so).
source "$(dirname "$0")/lib.sh"

XMPP_PORT=$(free_port)
RELAY_PORT=$(free_port)
WIRE=$WORK/wire.log
SECS=20
start_prosody alice bob
spawn "$WORK/relay.log" python3 "$E2E_DIR/relay.py" "$RELAY_PORT" "$XMPP_PORT" "$WIRE"
wait_port "$XMPP_PORT" 15 && wait_port "$RELAY_PORT" 10 ||
    { fail xmpp-servers "prosody or relay did not listen" "$WORK/prosody/out.log" "$WORK/prosody/prosody.log" "$WORK/relay.log"; exit 0; }

# profanity for alice: an account connecting without TLS through the relay.
PROF=$WORK/alice
profanity_home "$PROF"
start_profanity() { # start_profanity ours|system
    local env="HOME=$PROF XDG_CONFIG_HOME=$PROF/config XDG_DATA_HOME=$PROF/data TERM=screen $(lib_env "$1")"
    tmux_start alice env $env profanity -a alice@localhost
}
# mcabber for bob.
MC=$WORK/bob
mkdir -p "$MC/otr" "$MC/histo"
chmod 700 "$MC"
cat >"$MC/mcabberrc" <<CONF
set jid = bob@localhost
set password = pw
set server = 127.0.0.1
set port = $RELAY_PORT
set tls = 0
set ssl = 0
set resource = mcabber
set otr = 1
set otr_dir = $MC/otr/
set logging = 1
set logging_dir = $MC/histo/
set tracelog_level = 2
set tracelog_file = $MC/trace.log
otrpolicy default manual
CONF
chmod 600 "$MC/mcabberrc"
start_mcabber() { # start_mcabber ours|system
    local env="HOME=$MC TERM=screen $(lib_env "$1")"
    tmux_start bob env $env mcabber -f "$MC/mcabberrc"
}

# Waits for alice's screen to show REGEX (COUNT times); the scenario stops at a miss.
on_alice() { # on_alice NAME REGEX [COUNT]
    local deadline=$((SECONDS + SECS))
    while [ $SECONDS -lt $deadline ]; do
        [ "$(pane alice | grep -Ec -- "$2")" -ge "${3:-1}" ] && { pass "$1"; return 0; }
        sleep 0.3
    done
    pane alice >"$WORK/alice.pane"
    type_line alice "/win 2"
    sleep 1
    pane alice >>"$WORK/alice.pane"
    fail "$1" "profanity never showed /$2/" "$WORK/alice.pane"
    exit 0
}
in_file() { # in_file NAME FILE REGEX [COUNT]
    if wait_count "$2" "$3" "${4:-1}" $SECS; then pass "$1"; else fail "$1" "/$3/ not in $2" "$2"; exit 0; fi
}
HISTO=$MC/histo/alice@localhost
TRACE=$MC/trace.log
# mcabber answers the SMP request alice just sent, once it got through the server: its
# /otr smpr only checks that smstate->secret is set, which it still is after an SMP.
data_messages() { grep -o '?OTR:AAID' "$WIRE" | wc -l; }
mcabber_answers() { # mcabber_answers NAME SECRET DATA_MESSAGES_BEFORE
    local deadline=$((SECONDS + SECS))
    while [ $SECONDS -lt $deadline ]; do
        # alice -> server, then server -> bob
        if [ "$(data_messages)" -ge $(($3 + 2)) ]; then
            sleep 0.5
            type_line bob "/otr smpr alice@localhost $2"
            pass "$1"
            return 0
        fi
        sleep 0.2
    done
    fail "$1" "alice's SMP message never reached mcabber" "$WIRE"
    exit 0
}

A=$(start_profanity ours)
B=$(start_mcabber ours)
on_alice xmpp-profanity-connects "logged in successfully"
in_file xmpp-mcabber-connects "$TRACE" "Connection established"
check_loaded xmpp-profanity-loads-ours "$A" ours
check_loaded xmpp-mcabber-loads-ours "$B" ours
in_file xmpp-mcabber-keygen "$MC/otr/bob@localhost.key" "\(private-key"
type_line bob "/add alice@localhost"
type_line alice "/otr gen"
on_alice xmpp-profanity-keygen "Private key generation complete"

type_line alice "/msg bob@localhost"
type_line alice "/otr start"
on_alice xmpp-secure "OTR session started \(untrusted\)"
MSG_A="alice-says-$RANDOM$RANDOM"
MSG_B="bob-answers-$RANDOM$RANDOM"
type_line alice "$MSG_A"
in_file xmpp-mcabber-reads-alice "$HISTO" "^MR .* $MSG_A\$"
type_line bob "/say_to alice@localhost $MSG_B"
on_alice xmpp-profanity-reads-bob "bob@localhost/mcabber.*: $MSG_B"
check xmpp-wire-has-v2-data-messages grep -q '?OTR:AAID' "$WIRE"
no_plaintext xmpp-wire-no-plaintext "$MSG_A" "$MSG_B"

# SMP from mcabber (no question), from profanity with a question, and a wrong secret.
type_line bob "/otr smpq alice@localhost s3cret"
on_alice xmpp-profanity-asked "bob@localhost wants to authenticate your identity"
type_line alice "/otr secret s3cret"
on_alice xmpp-smp-success "Authentication successful"
in_file xmpp-mcabber-trusts-after-smp "$MC/otr/bob@localhost.fpr" "^alice@localhost	bob@localhost	jabber	[0-9a-f]{40}	smp\$"
n=$(data_messages)
type_line alice '/otr question "Favourite colour?" blue'
mcabber_answers xmpp-mcabber-answers-question blue "$n"
on_alice xmpp-smpq-success "Authentication successful" 2
n=$(data_messages)
type_line alice "/otr secret red"
mcabber_answers xmpp-mcabber-answers-wrong green "$n"
on_alice xmpp-smp-wrong-secret-fails "Authentication failed, the secret entered by bob@localhost does not match yours"

# mcabber's own trust: /otr fingerprint JID prints the active fingerprint; given it
# back, mcabber sets the trust to "trust" and writes its .fpr file.
FPR_LINE='alice@localhost \[[0-9A-F ]{44}\]'
type_line bob "/otr fingerprint alice@localhost"
in_file xmpp-mcabber-shows-fingerprint "$TRACE" "$FPR_LINE: untrusted"
HUMAN=$(grep -Eo "$FPR_LINE: untrusted" "$TRACE" | tail -n 1 | sed -E 's/.*\[(.*)\].*/\1/')
type_line bob "/otr fingerprint alice@localhost $HUMAN"
in_file xmpp-mcabber-trusts "$TRACE" "alice@localhost \[$HUMAN\]: trusted"
HEX=$(tr -d ' ' <<<"$HUMAN" | tr A-F a-f)
in_file xmpp-mcabber-fp-file "$MC/otr/bob@localhost.fpr" "^alice@localhost	bob@localhost	jabber	$HEX	trust\$"

# profanity's own trust: it replaces the trust string in the struct, then writes.
type_line alice "/otr trust"
on_alice xmpp-profanity-trusts "OTR session trusted"
in_file xmpp-profanity-fp-file "$PROF/data/profanity/otr/alice_at_localhost/fingerprints.txt" "	trusted\$"
type_line alice "/otr end"
on_alice xmpp-profanity-ends "OTR session ended"

# Restart profanity: the key and the trusted fingerprint come back from the files.
type_line alice "/quit"
wait_exit "$A" 10 || stop_pid "$A"
A=$(start_profanity ours)
on_alice xmpp-profanity-reconnects "logged in successfully"
check_loaded xmpp-profanity-restart-loads-ours "$A" ours
type_line alice "/msg bob@localhost"
type_line alice "/otr start"
on_alice xmpp-restart-secure-and-trusted "OTR session started \(trusted\)"
MSG_A2="after-restart-$RANDOM$RANDOM"
type_line alice "$MSG_A2"
in_file xmpp-restart-message "$HISTO" "^MR .* $MSG_A2\$"

# Restart mcabber (stopped by its PID) on ours: alice's trusted fingerprint comes back
# from the .fpr file and is the active one of the new session.
stop_pid "$B"
B=$(start_mcabber ours)
in_file xmpp-mcabber-reconnects "$TRACE" "Connection established" 2
check_loaded xmpp-mcabber-restart-loads-ours "$B" ours
type_line alice "/otr end"
type_line alice "/otr start"
on_alice xmpp-mcabber-restart-secure "OTR session started \(trusted\)" 2
type_line bob "/otr fingerprint alice@localhost"
in_file xmpp-mcabber-restart-trusted "$TRACE" "alice@localhost \[$HUMAN\]: trusted" 2
MSG_A4="mcabber-restarted-$RANDOM$RANDOM"
MSG_B4="bob-restarted-$RANDOM$RANDOM"
type_line alice "$MSG_A4"
in_file xmpp-mcabber-restart-reads "$HISTO" "^MR .* $MSG_A4\$"
type_line bob "/say_to alice@localhost $MSG_B4"
on_alice xmpp-mcabber-restart-profanity-reads "bob@localhost/mcabber.*: $MSG_B4"
no_plaintext xmpp-mcabber-restart-wire-no-plaintext "$MSG_A4" "$MSG_B4"

# Mixed: mcabber restarts on Debian's libotr, which reads the file ours wrote.
type_line bob "/quit"
wait_exit "$B" 10 || stop_pid "$B"
B=$(start_mcabber system)
in_file xmpp-mixed-mcabber-connects "$TRACE" "Connection established" 3
check_loaded xmpp-mixed-mcabber-loads-debian "$B" system
type_line alice "/otr end"
type_line alice "/otr start"
on_alice xmpp-mixed-secure "OTR session started \(trusted\)" 3
type_line bob "/otr fingerprint alice@localhost"
in_file xmpp-mixed-mcabber-trusted "$TRACE" "alice@localhost \[$HUMAN\]: trusted" 3
MSG_A3="mixed-alice-$RANDOM$RANDOM"
MSG_B3="mixed-bob-$RANDOM$RANDOM"
type_line alice "$MSG_A3"
in_file xmpp-mixed-mcabber-reads "$HISTO" "^MR .* $MSG_A3\$"
type_line bob "/say_to alice@localhost $MSG_B3"
on_alice xmpp-mixed-profanity-reads "bob@localhost/mcabber.*: $MSG_B3"
type_line bob "/otr smpq alice@localhost mixed"
on_alice xmpp-mixed-profanity-asked "bob@localhost wants to authenticate your identity"
type_line alice "/otr secret mixed"
on_alice xmpp-mixed-smp-success "Authentication successful"
no_plaintext xmpp-mixed-wire-no-plaintext "$MSG_A2" "$MSG_A3" "$MSG_B3"
type_line alice "/otr end"
on_alice xmpp-mixed-end "OTR session ended" 2
type_line alice "/quit"
type_line bob "/quit"
wait_exit "$A" 10 && wait_exit "$B" 10 && pass xmpp-clients-exit || fail xmpp-clients-exit "clients did not quit"
exit 0
