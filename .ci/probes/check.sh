#!/usr/bin/env bash
# Builds the probes against RingMQ as a user package would and checks what the test suite
# cannot: the compiler refuses a blocking call in top-level async code (noasync), and an
# optimised build keeps the messages of RingMQ's traps and of its blocking-call warning.
set -euo pipefail
cd "$(dirname "$0")/../.."
scratch=.build-probes
log="$scratch/probe.log"
mkdir -p "$scratch"
fail() { echo "probe failed: $1"; cat "$log"; exit 1; }

if swift build --package-path .ci/probes --product noasync-probe --scratch-path "$scratch" >"$log" 2>&1; then
    fail "noasync-probe compiled: the blocking receive() was accepted in top-level async code"
fi
grep -q "instance method 'receive' is unavailable from asynchronous contexts; the blocking receive()" "$log" \
    || fail "noasync-probe did not fail with RingMQ's noasync message"
echo "noasync-probe: refused, with RingMQ's message"

swift build -c release --package-path .ci/probes --product release-probe --scratch-path "$scratch" >"$log" 2>&1 \
    || fail "release-probe did not build"
probe="$scratch/release/release-probe"
# Through a shell whose own stderr is dropped: its "Illegal instruction" notice is noise.
if bash -c '"$0" invalid-option >"$1" 2>&1; exit $?' "$probe" "$log" 2>/dev/null; then
    fail "an invalid option set through a property did not trap"
fi
grep -q "sendHighWaterMark must be 0 (no limit) or positive, not -1; use setOption(_:)" "$log" \
    || fail "the release build's trap lost its message"
echo "release-probe invalid-option: trapped with the full message"

"$probe" blocking-in-task >"$log" 2>&1 || fail "blocking-in-task exited non-zero"
warnings=$(grep -c "warning: RingMQ: the blocking receive() on a PULL socket was called from a Swift task" "$log" || true)
[ "$warnings" = 1 ] || fail "expected one blocking-call warning, got $warnings"
grep -q "carried on: both timed out" "$log" || fail "the program did not carry on after the warning"
echo "release-probe blocking-in-task: warned once and carried on"
