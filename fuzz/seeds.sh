#!/usr/bin/env bash
# Adds seeds from real sessions on Debian's libotr 4.1.1 and on ours to fuzz/corpus/:
# tests/e2e/capture.c (a v3 then a v2 conversation: query, AKE, data both ways, SMP
# with a question, fragments, disconnect) runs once on each library, and its wire
# messages, the key and instance tag files it made, and /work/shared/samples (if
# present) are spread over the targets that read such things. The in-process seeds
# (the real next messages of the states the targets build) come from
# `cargo test --test seeds -- --ignored` (make fuzz-seeds runs both).
#   fuzz/seeds.sh OURS_LIBDIR          (e.g. build, after make lib)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ours=$(cd "${1:?usage: seeds.sh OURS_LIBDIR}" && pwd)
ref_dir=$("$root/tests/ref/debian-cc" --libdir)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
corpus="$root/fuzz/corpus"

"$root/tests/ref/debian-cc" -O1 -w -o "$work/capture" "$root/tests/e2e/capture.c" -lotr
for lib in ref ours; do
    dir=$ref_dir; [ $lib = ours ] && dir=$ours
    mkdir -p "$work/keys-$lib"
    LD_LIBRARY_PATH=$dir timeout 120 "$work/capture" "$work/keys-$lib" > "$work/messages-$lib"
    python3 - "$work/messages-$lib" "$corpus" "$lib" <<'PY'
import base64, hashlib, os, sys
messages, corpus, lib = sys.argv[1], sys.argv[2], sys.argv[3]

def put(target, data):
    os.makedirs(os.path.join(corpus, target), exist_ok=True)
    name = "%s-%s" % (lib, hashlib.sha1(data).hexdigest()[:16])
    with open(os.path.join(corpus, target, name), "wb") as f:
        f.write(data)

kinds = {0x02: "ake_commit", 0x0a: "ake_key", 0x11: "ake_reveal_signature",
         0x12: "ake_signature", 0x03: "data_message"}
lines = [l.rstrip(b"\n") for l in open(messages, "rb")]
for line in lines:
    for t in ("base64", "classify", "query", "parse", "fragment"):
        put(t, line)
    # Bob's side of the receiving target: plaintext (1) and encrypted v3 (5) states.
    put("receiving", bytes([5]) + line)
    put("receiving", bytes([1]) + line)
    if line.startswith(b"?OTR:") and line.endswith(b"."):
        raw = base64.b64decode(line[5:-1] + b"==="[: (-len(line[5:-1])) % 4])
        if len(raw) > 3 and raw[2] in kinds:
            v3 = raw[1] == 3
            body = raw[11:] if v3 else raw[3:]
            state = {0x02: 0, 0x0a: 1, 0x11: 2, 0x12: 3, 0x03: 0}[raw[2]]
            put(kinds[raw[2]], bytes([state | (4 if v3 else 0)]) + body)
# A run of fragments, as the fragment target and the reassembling states take them.
frags = [l for l in lines if l.startswith(b"?OTR|") or l.startswith(b"?OTR,")]
if frags:
    put("fragment", b"\n".join(frags[:8]))
    put("receiving", bytes([12]) + b"\0".join(frags[:8]))
PY
    for f in "$work/keys-$lib"/*.key; do cp "$f" "$corpus/privkey_file/$lib-$(basename "$f")"; done
    for f in "$work/keys-$lib"/*.instag; do cp "$f" "$corpus/instag_file/$lib-$(basename "$f")"; done
done
samples=/work/shared/samples
if [ -d "$samples" ]; then
    cp "$samples/sample.private_key" "$corpus/privkey_file/shared-sample.private_key"
    cp "$samples/sample.fingerprints" "$corpus/fingerprint_file/shared-sample.fingerprints"
    cp "$samples/sample.instag" "$corpus/instag_file/shared-sample.instag"
fi
echo "seeds added to $corpus" >&2
