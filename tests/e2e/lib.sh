# Shared helpers of the end-to-end tests (sourced by each tests/e2e/*.sh).
#
# Every test script prints one line per check, "PASS name" or "FAIL name: why", and
# exits 0; tests/e2e/run.sh adds them up. Every wait is bounded, every process a test
# starts is recorded and stopped by its PID when the script exits.

set -u
E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$E2E_DIR/../.." && pwd)
OUR_LIB=$(readlink -f "$ROOT/build/libotr.so.5")
# Debian's libotr by path: ours may be installed system-wide, ahead of it in the loader's
# cache, so a client meant to run on Debian's is given its directory (lib_env).
SYSTEM_LIBDIR=$("$ROOT/tests/ref/debian-cc" --libdir) || exit 1
SYSTEM_LIB=$(readlink -f "$SYSTEM_LIBDIR/libotr.so.5")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/otr-e2e.XXXXXX")
TMUX_SOCKET="otr-e2e-$$"
PIDS=()

pass() { echo "PASS $1"; }
fail() {
    echo "FAIL $1: $2"
    shift 2
    local f
    for f in "$@"; do
        [ -e "$f" ] || continue
        echo "---- last lines of $f"
        tail -n 25 "$f" | sed 's/^/    /'
    done
}
check() { # check NAME COMMAND... : PASS when the command succeeds
    local name=$1
    shift
    if "$@"; then pass "$name"; else fail "$name" "'$*' failed"; fi
}
no_plaintext() { # no_plaintext NAME TEXT... : PASS when no TEXT crossed the server ($WIRE)
    local name=$1 text
    shift
    for text in "$@"; do
        if grep -qF -- "$text" "$WIRE"; then fail "$name" "plaintext on the wire: $text"; return; fi
    done
    pass "$name"
}

# Starts a background process and records its PID for cleanup; $! is that PID.
# (Not inside $(...): a process started in a subshell is not recorded.)
spawn() { # spawn LOGFILE CMD...
    local log=$1
    shift
    "$@" >"$log" 2>&1 &
    PIDS+=($!)
}

cleanup() {
    local pid
    local all i
    all="$(tmux_pids) ${PIDS[*]}"
    for pid in $all; do
        kill "$pid" 2>/dev/null
    done
    for i in $(seq 30); do
        alive() { local p; for p in $all; do kill -0 "$p" 2>/dev/null && return 0; done; return 1; }
        alive || break
        sleep 0.1
    done
    for pid in $all; do
        kill -9 "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    done
    # Anything still running from this test's directory (a forked child of a client)
    # is a leak: report it and stop it by its PID.
    local f left=
    for f in /proc/[0-9]*/cmdline; do
        pid=${f#/proc/}
        pid=${pid%/cmdline}
        [ "$pid" != $$ ] && tr '\0' ' ' 2>/dev/null <"$f" | grep -qF -- "$WORK" && left="$left $pid"
    done
    if [ -n "$left" ]; then
        echo "FAIL $(basename "$0" .sh)-no-leftover-processes: still running:$left"
        kill -9 $left 2>/dev/null
    fi
    if [ -z "${E2E_KEEP:-}" ]; then rm -rf "$WORK"; else echo "kept $WORK"; fi
}
trap cleanup EXIT

# A free TCP port on 127.0.0.1.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Polls until FILE matches the extended regex, at most SECONDS.
wait_for() { # wait_for FILE REGEX SECONDS
    local deadline=$((SECONDS + $3))
    while [ $SECONDS -lt $deadline ]; do
        grep -Eq -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.2
    done
    return 1
}
# Polls until FILE has at least COUNT lines matching REGEX.
wait_count() { # wait_count FILE REGEX COUNT SECONDS
    local deadline=$((SECONDS + $4))
    while [ $SECONDS -lt $deadline ]; do
        [ "$(grep -Ec -- "$2" "$1" 2>/dev/null)" -ge "$3" ] 2>/dev/null && return 0
        sleep 0.2
    done
    return 1
}
wait_port() { # wait_port PORT SECONDS
    local deadline=$((SECONDS + $2))
    while [ $SECONDS -lt $deadline ]; do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.2
    done
    return 1
}

# tmux on a private socket; every pane runs one client, stopped by its PID.
tmux_() { tmux -L "$TMUX_SOCKET" -f /dev/null "$@"; }
tmux_pids() {
    tmux_ list-panes -a -F '#{pane_pid}' 2>/dev/null
    tmux_ display -p '#{pid}' 2>/dev/null
}
# Starts CMD... in a new detached tmux session NAME, echoes the client's PID.
tmux_start() { # tmux_start NAME CMD...
    local name=$1
    shift
    tmux_ new-session -d -s "$name" -x 200 -y 50 "exec $*"
    tmux_ display -p -t "$name" '#{pane_pid}'
}
# Types a line into session NAME and presses Enter.
type_line() { # type_line NAME TEXT
    tmux_ send-keys -t "$1" -l -- "$2"
    tmux_ send-keys -t "$1" Enter
}
pane() { tmux_ capture-pane -p -t "$1" -S -200 2>/dev/null; }
# Stops a client by its PID and waits (bounded) for it to go.
stop_pid() { # stop_pid PID
    kill "$1" 2>/dev/null
    local i
    for i in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
    kill -9 "$1" 2>/dev/null
}
wait_exit() { # wait_exit PID SECONDS
    local deadline=$((SECONDS + $2))
    while [ $SECONDS -lt $deadline ]; do kill -0 "$1" 2>/dev/null || return 0; sleep 0.2; done
    return 1
}

# The environment that makes a client load our libotr.so.5 or Debian's.
lib_env() { # lib_env ours|system
    if [ "$1" = ours ]; then echo "LD_LIBRARY_PATH=$ROOT/build"; else echo "LD_LIBRARY_PATH=$SYSTEM_LIBDIR"; fi
}

# Which libotr.so.5 process PID mapped: "ours", "system", "both" or "none".
loaded_libotr() { # loaded_libotr PID
    local maps ours=0 sys=0
    maps=$(cat "/proc/$1/maps" 2>/dev/null) || { echo none; return; }
    grep -qF "$OUR_LIB" <<<"$maps" && ours=1
    grep -qF "$SYSTEM_LIB" <<<"$maps" && sys=1
    case $ours$sys in 10) echo ours ;; 01) echo system ;; 11) echo both ;; *) echo none ;; esac
}
# Polls until PID has mapped libotr (clients may dlopen it late); checks which one.
check_loaded() { # check_loaded NAME PID ours|system
    local deadline=$((SECONDS + 15)) got
    while :; do
        got=$(loaded_libotr "$2")
        [ "$got" != none ] || [ $SECONDS -ge $deadline ] && break
        sleep 0.2
    done
    if [ "$got" = "$3" ]; then pass "$1"; else fail "$1" "PID $2 maps libotr: $got, expected $3"; fi
}

# The clients the scenarios start. make e2e-source (tests/e2e-source/run.sh) points these
# at the programs and plugins it rebuilt from source against our headers, and sets
# E2E_REBUILT=1; each scenario then also checks that the rebuilt files are the ones running.
#   E2E_IRSSI            irssi (its OTR module comes from its own module directory)
#   E2E_IRSSI_OTR        the OTR module that irssi must have loaded
#   E2E_BITLBEE          bitlbee;  E2E_BITLBEE_PLUGINDIR: its plugin directory (otr.so)
IRSSI=${E2E_IRSSI:-irssi}
BITLBEE=${E2E_BITLBEE:-bitlbee}
BITLBEE_PLUGINDIR=${E2E_BITLBEE_PLUGINDIR:-/usr/lib/bitlbee}
# Under E2E_REBUILT: PASS when process PID runs each FILE (as its program or mapped).
check_rebuilt() { # check_rebuilt NAME PID FILE...
    [ -n "${E2E_REBUILT:-}" ] || return 0
    local name=$1 pid=$2 f
    shift 2
    for f in "$@"; do
        f=$(readlink -f "$f")
        if [ "$(readlink -f "/proc/$pid/exe")" != "$f" ] && ! grep -qF "$f" "/proc/$pid/maps" 2>/dev/null; then
            fail "$name" "PID $pid runs $(readlink -f "/proc/$pid/exe") without $f"
            return
        fi
    done
    pass "$name"
}

# start_xvfb : an X server of our own on a display it chooses (-displayfd); exports
# DISPLAY, or returns 1.
start_xvfb() {
    spawn "$WORK/xvfb.log" Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$WORK/xvfb.display"
    local deadline=$((SECONDS + 15))
    until [ -s "$WORK/xvfb.display" ] || [ $SECONDS -ge $deadline ]; do sleep 0.2; done
    [ -s "$WORK/xvfb.display" ] || return 1
    export DISPLAY=:$(head -1 "$WORK/xvfb.display")
    xdpyinfo >/dev/null 2>&1
}

# profanity_home DIR [USER] : a profanity home in DIR (data and config) with the account
# USER@localhost (default alice, password "pw"), connecting without TLS to
# 127.0.0.1:$RELAY_PORT.
profanity_home() {
    local user=${2:-alice}
    mkdir -p "$1/data/profanity" "$1/config"
    cat >"$1/data/profanity/accounts" <<CONF
[$user@localhost]
enabled=true
jid=$user@localhost
server=127.0.0.1
port=$RELAY_PORT
tls.policy=disable
password=pw
resource=prof
CONF
}

# start_prosody USER... : a prosody on 127.0.0.1:$XMPP_PORT (no TLS, plain logins,
# no s2s or HTTP) in $WORK/prosody, with an account USER@localhost (password "pw")
# for each USER.
start_prosody() {
    mkdir -p "$WORK/prosody"
    cat >"$WORK/prosody/prosody.cfg.lua" <<CONF
run_as_root = true
pidfile = "$WORK/prosody/prosody.pid"
data_path = "$WORK/prosody"
certificates = "$WORK/prosody"
interfaces = { "127.0.0.1" }
c2s_interfaces = { "127.0.0.1" }
c2s_ports = { $XMPP_PORT }
c2s_direct_tls_ports = { }
s2s_ports = { }
http_ports = { }
https_ports = { }
modules_enabled = { "roster"; "saslauth"; "disco"; "presence"; "message"; "iq"; "ping" }
modules_disabled = { "s2s"; "tls"; "http" }
authentication = "internal_plain"
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
log = { info = "$WORK/prosody/prosody.log" }
VirtualHost "localhost"
CONF
    [ "$(id -u)" = 0 ] && sed -i '1a prosody_user = "root"\nprosody_group = "root"' "$WORK/prosody/prosody.cfg.lua"
    for u in "$@"; do
        prosodyctl --config "$WORK/prosody/prosody.cfg.lua" register $u localhost pw >>"$WORK/prosody/register.log" 2>&1
    done
    spawn "$WORK/prosody/out.log" prosody -F --config "$WORK/prosody/prosody.cfg.lua"
}

# start_ngircd NAME : an ngircd on 127.0.0.1:$IRC_PORT and, in front of it, the relay that
# records every line crossing it in $WIRE (clients connect to $RELAY_PORT); sets the three.
# Ends the scenario with FAIL NAME-servers when either does not listen.
start_ngircd() {
    IRC_PORT=$(free_port)
    RELAY_PORT=$(free_port)
    WIRE=$WORK/wire.log
    cat >"$WORK/ngircd.conf" <<CONF
[Global]
Name = irc.test
Info = otr-rs e2e
Listen = 127.0.0.1
Ports = $IRC_PORT
MotdPhrase = otr-rs
[Limits]
MaxNickLength = 30
[Options]
PAM = no
Ident = no
DNS = no
CONF
    spawn "$WORK/ngircd.log" ngircd -n -f "$WORK/ngircd.conf"
    spawn "$WORK/relay.log" python3 "$E2E_DIR/relay.py" "$RELAY_PORT" "$IRC_PORT" "$WIRE"
    wait_port "$IRC_PORT" 10 && wait_port "$RELAY_PORT" 10 ||
        { fail "$1-servers" "ngircd or relay did not listen" "$WORK/ngircd.log" "$WORK/relay.log"; exit 0; }
}
