#!/usr/bin/env bash
# API reference: builds the DocC documentation of RingMQ, RingMQTesting and
# RingMQTestingSwiftTesting with the toolchain's own tools (no plugin package), from symbol
# graphs of the three library modules only, into a static site under .build/docs/. Fails on
# any DocC warning and on any public symbol declared in Sources without a doc comment; prints
# the coverage.
#
# Run after a debug build (`swift build` or `swift test`). The guides (Docs/*.md) are in the
# RingMQ catalog as symbolic links, so their text exists once.
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
mkdir -p .build/docs
for module in RingMQ RingMQTesting RingMQTestingSwiftTesting; do
    graphs=".build/symbol-graphs/$module"
    rm -rf "$graphs" && mkdir -p "$graphs"
    swift-symbolgraph-extract -module-name "$module" -I .build/debug/Modules -I .build/debug \
        -target "$(uname -m)-unknown-linux-gnu" -minimum-access-level public -output-dir "$graphs"

    # Coverage: every public symbol with a location in our sources (not one a protocol
    # supplies) has a doc comment.
    graph="$graphs/$module.symbols.json"
    declared=$(jq '[.symbols[] | select(.location.uri // "" | contains("/Sources/"))] | length' "$graph")
    undocumented=$(jq -r '.symbols[] | select(.location.uri // "" | contains("/Sources/"))
        | select(.docComment == null)
        | "  \(.pathComponents | join(".")) (\(.location.uri | sub(".*/Sources/"; "Sources/")):\(.location.position.line + 1))"' "$graph")
    if [[ -n "$undocumented" ]]; then
        echo "$module: public symbols without a doc comment:"
        echo "$undocumented"
        status=1
    fi
    missing=$(printf '%s' "$undocumented" | grep -c . || true)
    echo "$module: $((declared - missing)) of $declared public symbols have a doc comment"

    rm -rf ".build/docs/$module"
    if ! docc convert "Sources/$module/$module.docc" --additional-symbol-graph-dir "$graphs" \
            --output-path ".build/docs/$module" --transform-for-static-hosting \
            --hosting-base-path "$module" --fallback-display-name "$module" \
            --fallback-bundle-identifier "org.ringmq.$module" --warnings-as-errors \
            > ".build/docs/$module.log" 2>&1; then
        cat ".build/docs/$module.log"
        echo "$module: DocC reported warnings or errors (above)"
        status=1
    else
        echo "$module: DocC built with no warning, static site in .build/docs/$module"
    fi
done
exit $status
