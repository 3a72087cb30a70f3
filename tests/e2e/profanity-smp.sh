#!/usr/bin/env bash
# SMP as profanity's users see it: two profanity (Debian's, unmodified), alice and carol,
# over a local prosody. Each asks the other, without and with a question, and is
# answered with the right secret, then a wrong one. profanity decides what to print
# from the SMP state it reads inside its handle_smp_event callback: nextExpected tells
# the side that asked (EXPECT4) from the one that answered (EXPECT3), and
# received_question whether a question was answered. The whole run is made twice, both
# clients on our libotr, then both on Debian's: each client's chat window must show the
# same lines on ours as on Debian's ("Authentication failed, the secret you entered
# does not match..." for a wrong answer, and so on).
source "$(dirname "$0")/lib.sh"

T=profanity-smp
XMPP_PORT=$(free_port)
RELAY_PORT=$XMPP_PORT # profanity_home's port: no relay needed here
SECS=30
start_prosody alice carol
wait_port "$XMPP_PORT" 15 ||
    { fail $T-server "prosody did not listen" "$WORK/prosody/out.log" "$WORK/prosody/prosody.log"; exit 0; }

# The lines a result shows: success, failure, or a question answered.
RESULT='Authentication (successful|failed)|authenticated you|failed to authenticate you'

start_client() { # start_client USER ours|system : profanity for USER@localhost, its PID
    local home=$WORK/$2/$1
    profanity_home "$home" "$1"
    tmux_start "$1-$2" env HOME="$home" XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" \
        TERM=screen "$(lib_env "$2")" profanity -a "$1@localhost"
}
count() { pane "$1" | grep -Ec -- "$2"; }
# Waits until session S shows REGEX at least N times; the run stops at a miss.
wait_pane() { # wait_pane NAME S REGEX N
    local deadline=$((SECONDS + SECS))
    while [ $SECONDS -lt $deadline ]; do
        [ "$(count "$2" "$3")" -ge "$4" ] && { pass "$1"; return 0; }
        sleep 0.3
    done
    chat_lines "$2" >"$WORK/$2.lines"
    fail "$1" "$2 never showed /$3/ $4 times" "$WORK/$2.lines"
    return 1
}
# One exchange: ASKER types ASK, the other is asked, answers with ANSWER, and both
# show a result.
exchange() { # exchange LIB NAME ASKER ASK RESPONDER ANSWER
    local lib=$1 name=$2 asker=$3-$1 responder=$5-$1
    local asked results_a results_r
    asked=$(count "$responder" "wants to authenticate your identity")
    results_a=$(count "$asker" "$RESULT")
    results_r=$(count "$responder" "$RESULT")
    type_line "$asker" "$4"
    wait_pane "$T-$lib-$name-asked" "$responder" "wants to authenticate your identity" $((asked + 1)) || return 1
    type_line "$responder" "$6"
    wait_pane "$T-$lib-$name-result-$3" "$asker" "$RESULT" $((results_a + 1)) || return 1
    wait_pane "$T-$lib-$name-result-$5" "$responder" "$RESULT" $((results_r + 1))
}
# The lines of a client's chat window, without times.
chat_lines() { # chat_lines SESSION
    pane "$1" | grep -E '^[0-9]{2}:[0-9]{2}:[0-9]{2} ' | sed -E 's/^[0-9:]{8} (- )?//; s/ +$//'
}

run() { # run ours|system
    local lib=$1 a c
    a=$(start_client alice "$lib")
    c=$(start_client carol "$lib")
    wait_pane "$T-$lib-alice-connects" "alice-$lib" "logged in successfully" 1 || return 1
    wait_pane "$T-$lib-carol-connects" "carol-$lib" "logged in successfully" 1 || return 1
    check_loaded "$T-$lib-alice-loads-$lib" "$a" "$lib"
    check_loaded "$T-$lib-carol-loads-$lib" "$c" "$lib"
    type_line "alice-$lib" "/otr gen"
    type_line "carol-$lib" "/otr gen"
    wait_pane "$T-$lib-alice-keygen" "alice-$lib" "Private key generation complete" 1 || return 1
    wait_pane "$T-$lib-carol-keygen" "carol-$lib" "Private key generation complete" 1 || return 1
    type_line "alice-$lib" "/msg carol@localhost"
    type_line "carol-$lib" "/msg alice@localhost"
    type_line "alice-$lib" "/otr start"
    wait_pane "$T-$lib-alice-secure" "alice-$lib" "OTR session started" 1 || return 1
    wait_pane "$T-$lib-carol-secure" "carol-$lib" "OTR session started" 1 || return 1
    local asker responder
    for asker in alice carol; do
        [ $asker = alice ] && responder=carol || responder=alice
        exchange "$lib" "$asker-asks-secret-right" $asker "/otr secret s3cret" $responder "/otr secret s3cret" &&
            exchange "$lib" "$asker-asks-secret-wrong" $asker "/otr secret s3cret" $responder "/otr secret wrong" &&
            exchange "$lib" "$asker-asks-question-right" $asker '/otr question "Our first pet?" rex' \
                $responder "/otr answer rex" &&
            exchange "$lib" "$asker-asks-question-wrong" $asker '/otr question "Our first pet?" rex' \
                $responder "/otr answer felix" || return 1
    done
    chat_lines "alice-$lib" >"$WORK/alice.$lib.lines"
    chat_lines "carol-$lib" >"$WORK/carol.$lib.lines"
    type_line "alice-$lib" "/quit"
    type_line "carol-$lib" "/quit"
    wait_exit "$a" 10 || stop_pid "$a"
    wait_exit "$c" 10 || stop_pid "$c"
}

run ours && run system || exit 0
for user in alice carol; do
    if diff -u "$WORK/$user.system.lines" "$WORK/$user.ours.lines" >"$WORK/$user.diff"; then
        pass "$T-$user-sees-the-same-lines"
    else
        fail "$T-$user-sees-the-same-lines" "profanity shows other lines on ours than on Debian's" "$WORK/$user.diff"
    fi
done
check "$T-wrong-secret-told" grep -q "Authentication failed, the secret you entered does not match" "$WORK/alice.ours.lines"
exit 0
