#!/usr/bin/env bash
# The OTR toolkit three ways on the same input: Debian's (libotr5-bin: otr_parse,
# otr_sesskeys, otr_mackey, otr_readforge, otr_modify, otr_remac), unmodified, on our
# libotr.so.5 and on Debian's, and ours in Rust (build/bin/, toolkit/), which links no
# libotr. The outputs (stdout, stderr, exit status) must be byte-identical. Debian's
# tools take otrl_base64_encode/decode and otrl_proto_message_type from the library.
# The messages are real ones: tests/e2e/capture.c runs two parties on our library.
source "$(dirname "$0")/lib.sh"

# Debian's tools by path (/usr/local/bin may hold others of the same names), each run
# once on our library and once on Debian's, each named by its directory.
TOOLS="otr_parse otr_sesskeys otr_mackey otr_readforge otr_modify otr_remac"
for t in $TOOLS; do
    [ -x "/usr/bin/$t" ] || { fail "toolkit-$t-installed" "/usr/bin/$t missing (apt-get install libotr5-bin)"; exit 0; }
    [ -x "$ROOT/build/bin/$t" ] || { fail "toolkit-$t-built" "build/bin/$t missing (make tools)"; exit 0; }
    for lib in ours system; do
        want=$OUR_LIB
        [ $lib = system ] && want=$SYSTEM_LIB
        if env "$(lib_env $lib)" ldd "/usr/bin/$t" | grep -qF "$(dirname "$want")/libotr.so.5"; then
            pass "toolkit-$t-loads-$lib"
        else
            fail "toolkit-$t-loads-$lib" "$(env "$(lib_env $lib)" ldd "/usr/bin/$t" | grep libotr)"
        fi
    done
    if ldd "$ROOT/build/bin/$t" | grep -q libotr; then
        fail "toolkit-rust-$t-needs-no-libotr" "$(ldd "$ROOT/build/bin/$t" | grep libotr)"
    else
        pass "toolkit-rust-$t-needs-no-libotr"
    fi
done

# Runs PROGRAM as TOOL (its argv[0], which usage messages show) with ARGS and stdin
# INPUT, on the library of ENV ("-" for none); stdout in OUT, stderr and status in ERR.
run_tool() { # run_tool OUT ERR ENV PROGRAM TOOL INPUT ARGS...
    local out=$1 err=$2 envset=$3 program=$4 tool=$5 input=$6
    shift 6
    (
        [ "$envset" = - ] || export "${envset?}"
        exec -a "$tool" "$program" "$@"
    ) <"$input" >"$out" 2>"$err"
    echo "exit $?" >>"$err"
}

# Runs TOOL with ARGS and INPUT on stdin: Debian's tool on our library and on Debian's,
# and ours; NAME passes if the bytes agree. Leaves our library's stdout in $WORK/NAME.out.
same() { # same NAME INPUTFILE TOOL ARGS...
    local name=$1 input=$2 tool=$3 w=$WORK/$1
    shift 3
    run_tool "$w.out" "$w.err" "$(lib_env ours)" "/usr/bin/$tool" "$tool" "$input" "$@"
    run_tool "$w.debian.out" "$w.debian.err" "$(lib_env system)" "/usr/bin/$tool" "$tool" "$input" "$@"
    run_tool "$w.rust.out" "$w.rust.err" - "$ROOT/build/bin/$tool" "$tool" "$input" "$@"
    local v differs=
    for v in "" .rust; do
        cmp -s "$w$v.out" "$w.debian.out" && cmp -s "$w$v.err" "$w.debian.err" ||
            differs="$differs ${v:-on-our-library}: $(diff "$w.debian.out" "$w$v.out" | head -3)$(diff "$w.debian.err" "$w$v.err" | head -3)"
    done
    if [ -z "$differs" ]; then pass "$name"; else fail "$name" "differs from Debian's toolkit on Debian's libotr:$differs"; fi
}
expect_in() { # expect_in NAME FILE FIXED-STRING
    if grep -qF -- "$3" "$2"; then pass "$1"; else fail "$1" "'$3' not in $2" "$2"; fi
}

cc -Wall -Wextra -Wno-unused-parameter -I"$ROOT/include" -o "$WORK/capture" "$E2E_DIR/capture.c" \
    -L"$ROOT/build" -lotr || { fail toolkit-capture-builds "cc failed"; exit 0; }
mkdir -p "$WORK/keys"
LD_LIBRARY_PATH="$ROOT/build" timeout 60 "$WORK/capture" "$WORK/keys" >"$WORK/messages" ||
    { fail toolkit-capture-runs "capture failed"; exit 0; }
for kind in AAMC AAMK AAMR AAMS AAMD AAIC AAIK AAIR AAIS AAID '?OTR|' '?OTR,0'; do
    grep -qF -- "$kind" "$WORK/messages" || { fail toolkit-capture-has-all-kinds "no $kind message captured"; exit 0; }
done
pass toolkit-capture-has-all-kinds

same toolkit-otr_parse "$WORK/messages" otr_parse
expect_in toolkit-otr_parse-reads-signatures "$WORK/toolkit-otr_parse.out" "Signature Message:"

# Session keys from fixed D-H keys, then the MAC key of the sending AES key.
OUR_PRIV=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff0011223344556677
THEIR_PUB=$(printf 'c0ffee%.0s' $(seq 64))
same toolkit-otr_sesskeys /dev/null otr_sesskeys "$OUR_PRIV" "$THEIR_PUB"
AES=$(awk '/^Sending   AES key:/ {print $4}' "$WORK/toolkit-otr_sesskeys.out")
[ ${#AES} = 32 ] && pass toolkit-sesskeys-gives-aes-key || fail toolkit-sesskeys-gives-aes-key "no AES key" "$WORK/toolkit-otr_sesskeys.out"
same toolkit-otr_mackey /dev/null otr_mackey "$AES"
MAC=$(awk '/^MAC key:/ {print $3}' "$WORK/toolkit-otr_mackey.out")

# A captured data message, forged under that AES key, read back, modified, re-MACed.
grep -m1 '^?OTR:AAMD' "$WORK/messages" >"$WORK/data"
same toolkit-otr_readforge-wrong-key "$WORK/data" otr_readforge "$AES"
same toolkit-otr_readforge-forge "$WORK/data" otr_readforge "$AES" "forged by the toolkit"
cp "$WORK/toolkit-otr_readforge-forge.out" "$WORK/forged"
same toolkit-otr_readforge-read "$WORK/forged" otr_readforge "$AES"
expect_in toolkit-forgery-reads-back "$WORK/toolkit-otr_readforge-read.out" "Plaintext: \`\`forged by the toolkit''"
same toolkit-otr_modify "$WORK/forged" otr_modify "$MAC" "forged" "FORGED" 0
cp "$WORK/toolkit-otr_modify.out" "$WORK/modified"
same toolkit-otr_modify-reads-back "$WORK/modified" otr_readforge "$AES"
expect_in toolkit-modification-reads-back "$WORK/toolkit-otr_modify-reads-back.out" "Plaintext: \`\`FORGED by the toolkit''"

# otr_remac with the forged message's own fields gives the forged message back.
env "$(lib_env system)" /usr/bin/otr_parse <"$WORK/forged" >"$WORK/forged.parsed"
field() { awk -F': ' -v k="$1" '$1 == "\t" k {print $2}' "$WORK/forged.parsed"; }
same toolkit-otr_remac /dev/null otr_remac "$MAC" "$(field 'Sender instance')" "$(field 'Receiver instance')" \
    "$(field Flags)" "$(field 'Sender keyid')" "$(field 'Rcpt keyid')" "$(field 'DH y')" "$(field Counter)" \
    "$(field 'Encrypted message')" ""
if cmp -s "$WORK/toolkit-otr_remac.out" "$WORK/forged"; then pass toolkit-remac-reproduces-forgery; else
    fail toolkit-remac-reproduces-forgery "otr_remac did not rebuild the forged message" "$WORK/toolkit-otr_remac.out"; fi

# Garbage and edge cases through the same base64 and classification code.
printf '?OTR:AAMD!!!.\n?OTR:.\n?OTR:AAMC\n?OTR:AAMC=.\n?OTRv23?\n?OTR Error: boom\nplain\n\t  \t\t\t\t \t \t \t  \t \t  \t\n' >"$WORK/odd"
same toolkit-otr_parse-odd-input "$WORK/odd" otr_parse

# Usage messages, bad arguments and bad input: the same complaints and exit statuses.
same toolkit-otr_parse-usage /dev/null otr_parse extra
same toolkit-otr_sesskeys-usage /dev/null otr_sesskeys "$OUR_PRIV"
same toolkit-otr_sesskeys-odd-hex /dev/null otr_sesskeys 012 "$THEIR_PUB"
same toolkit-otr_sesskeys-bad-hex /dev/null otr_sesskeys "$OUR_PRIV" 0x12
same toolkit-otr_sesskeys-swapped /dev/null otr_sesskeys "$THEIR_PUB" "$OUR_PRIV"
same toolkit-otr_mackey-usage /dev/null otr_mackey
same toolkit-otr_mackey-short-key /dev/null otr_mackey 00112233
same toolkit-otr_readforge-usage /dev/null otr_readforge
same toolkit-otr_readforge-no-message /dev/null otr_readforge "$AES"
same toolkit-otr_readforge-not-data "$WORK/messages" otr_readforge "$AES" x
same toolkit-otr_modify-usage "$WORK/forged" otr_modify "$MAC" ab abc 0
same toolkit-otr_modify-bad-offset "$WORK/forged" otr_modify "$MAC" ab cd -x
same toolkit-otr_modify-wrong-key "$WORK/forged" otr_modify "$AES$AES" forged FORGED 0
same toolkit-otr_remac-usage /dev/null otr_remac "$MAC" 1 2 3
same toolkit-otr_remac-bad-counter /dev/null otr_remac "$MAC" 1 2 3 4 5 00 0011 00 ""
same toolkit-otr_remac-bad-number /dev/null otr_remac "$MAC" 1 2 x 4 5 00 0011223344556677 00 ""

# Writing into a closed pipe ends both with SIGPIPE (status 141), reading no further.
for who in debian rust; do
    program=/usr/bin/otr_parse
    [ $who = rust ] && program=$ROOT/build/bin/otr_parse
    yes '?OTR:AAMD.' | head -n 50000 | env "$(lib_env system)" "$program" | head -c 1 >/dev/null
    status=${PIPESTATUS[2]}
    [ "$status" = 141 ] && pass "toolkit-closed-pipe-$who" ||
        fail "toolkit-closed-pipe-$who" "exit status $status, not 141 (SIGPIPE)"
done
exit 0
