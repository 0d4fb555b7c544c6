#!/usr/bin/env bash
# API stability: compares the public API of RingMQ, RingMQTesting and RingMQTestingSwiftTesting,
# as the toolchain's swift-api-digester dumps it from the debug build, with the baselines
# committed beside this script, and fails on any break (a removal, a rename, a changed type or
# attribute) that intended-breaks.txt does not list with its reason. Additions are not breaks.
#
#   .ci/api/check.sh            check (after `swift build` or `swift test`)
#   .ci/api/check.sh --update   rewrite the baselines from the current build: run it when a
#                               change adds public API, so that removing it later is caught
set -euo pipefail
cd "$(dirname "$0")/../.."

modules=(RingMQ RingMQTesting RingMQTestingSwiftTesting)
here=.ci/api
out=.build/api
mkdir -p "$out"

dump() {
    swift-api-digester -dump-sdk -module "$1" -o "$2" \
        -I .build/debug/Modules -I .build/debug -target "$(uname -m)-unknown-linux-gnu" \
        -avoid-location -avoid-tool-args
}

if [[ "${1:-}" == "--update" ]]; then
    for module in "${modules[@]}"; do dump "$module" "$here/$module.json"; done
    echo "baselines updated: ${modules[*]}"
    exit 0
fi

# Every entry of the allowlist is "<the digester's line> | <why the break is intended>".
allowed="$out/allowed.txt"
grep -v '^[[:space:]]*\(#\|$\)' "$here/intended-breaks.txt" > "$out/entries.txt" || true
if grep -v ' | [^[:space:]]' "$out/entries.txt"; then
    echo "intended-breaks.txt: each entry above needs ' | ' and the reason for the break"
    exit 1
fi
sed 's/ | .*$//' "$out/entries.txt" > "$allowed"

status=0
for module in "${modules[@]}"; do
    dump "$module" "$out/$module.json"
    # The digester prints section headers ("/* Removed Decls */") and one line per break.
    swift-api-digester -diagnose-sdk -input-paths "$here/$module.json" -input-paths "$out/$module.json" \
        2>&1 | grep -v '^\(/\*.*\*/\)\?[[:space:]]*$' > "$out/$module.breaks" || true
    unlisted=$(grep -vxF -f "$allowed" "$out/$module.breaks" || true)
    if [[ -n "$unlisted" ]]; then
        echo "$module: public API breaks not listed in .ci/api/intended-breaks.txt:"
        echo "$unlisted" | sed 's/^/  /'
        status=1
    else
        echo "$module: no unlisted API break ($(wc -l < "$out/$module.breaks") listed)"
    fi
done
if (( status )); then
    echo "Public API changes are additive (DESIGN.md): deprecate instead. If a break is intended,"
    echo "add its line to .ci/api/intended-breaks.txt with ' | ' and the reason."
fi
exit $status
