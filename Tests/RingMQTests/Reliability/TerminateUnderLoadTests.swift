import RingMQ
import RingMQTesting
import Testing

/// `terminate()` while 16 threads (or 16 tasks) are blocked, one in each kind of blocking call
/// (see ``BlockedCall``), wakes every one of them with `.terminated`, every time: 1,000 rounds,
/// each on a fresh context.
///
/// The rounds vary how the callers wait when terminate comes:
/// - on a ``ManualClock`` with an hour's timeout: terminate comes once the clock counts every
///   caller with a deadline among its sleepers (exact: each has registered its wait), and the
///   proxy is parked;
/// - on the real clock with no timeout: terminate comes once each caller is seen parked (on
///   the futex for a thread, in its signal's cell for a task), so only terminate can end them;
/// - racing: terminate comes as soon as the callers have been started, wherever they are.
///
/// A caller that terminate fails to wake is caught by the bounded join (``Scale/safety``); the
/// first round that goes wrong is reported with its number, its mode and the call.
@Suite(.serialized, .runsAlone) struct TerminateUnderLoadTests {
    static let rounds = Scale.count(normal: 1_000, stress: 10_000, sanitized: 100)

    enum Mode: CustomStringConvertible {
        case manualClock, parkedForever, racing

        init(round: Int) {
            if round % 10 == 9 {
                self = .racing
            } else {
                self = round.isMultiple(of: 2) ? .manualClock : .parkedForever
            }
        }

        var description: String {
            switch self {
            case .manualClock: "on a manual clock, all registered"
            case .parkedForever: "no timeout, all parked"
            case .racing: "racing the calls"
            }
        }
    }

    @Test func terminateWakesSixteenBlockedThreadsEveryTime() throws {
        for round in 0..<Self.rounds {
            let mode = Mode(round: round)
            let clock = ManualClock()
            let context = mode == .manualClock ? Context(clock: clock) : Context()
            let (calls, sockets) = try BlockedCall.sixteen(
                on: context, timeout: mode == .manualClock ? .seconds(3600) : nil)
            defer { withExtendedLifetime(sockets) {} }
            #expect(calls.count == 16)
            let threads = calls.map { call in Peer { try call.run() } }

            switch mode {
            case .manualClock:
                let sleepers = calls.filter(\.hasDeadline).count
                #expect(clock.waitForSleepers(sleepers, timeout: Scale.safety), "round \(round): not all registered")
                for (call, thread) in zip(calls, threads) where !call.hasDeadline { thread.waitUntilBlocked() }
            case .parkedForever:
                for thread in threads { thread.waitUntilBlocked() }
            case .racing:
                break
            }
            let early = zip(calls, threads).filter { $0.1.isFinished }.map(\.0.name)
            context.terminate()

            let wrong = zip(calls, threads).compactMap { call, thread -> String? in
                switch thread.join() {
                case .failure(.terminated): nil
                case .failure(let error): "\(call.name): \(error)"
                case .success: "\(call.name): returned"
                }
            }
            guard wrong.isEmpty, early.isEmpty else {
                Issue.record(
                    "round \(round) (\(mode)): ended before terminate: \(early); not ended by .terminated: \(wrong)")
                return
            }
        }
    }

    @Test func terminateWakesSixteenSuspendedTasksEveryTime() async throws {
        for round in 0..<Self.rounds {
            let mode = Mode(round: round)
            let clock = ManualClock()
            let context = mode == .manualClock ? Context(clock: clock) : Context()
            let (allCalls, sockets) = try BlockedCall.sixteen(
                on: context, timeout: mode == .manualClock ? .seconds(3600) : nil)
            defer { withExtendedLifetime(sockets) {} }
            let calls = allCalls.filter { $0.parkingSocket != nil }
            let tasks = calls.map { call in Task { _ = try await call.runAsync() } }

            switch mode {
            case .manualClock:
                #expect(
                    await clock.waitForSleepers(calls.count, timeout: Scale.safety),
                    "round \(round): not all registered")
            case .parkedForever:
                for call in calls {
                    #expect(await waitUntilParked(call.parkingSocket!), "round \(round): \(call.name) did not park")
                }
            case .racing:
                break
            }
            context.terminate()

            var wrong: [String] = []
            for (call, task) in zip(calls, tasks) {
                do {
                    try await withTimeout { try await task.value }
                    wrong.append("\(call.name): returned")
                } catch RingMQError.terminated {
                    continue
                } catch {
                    wrong.append("\(call.name): \(error)")
                }
            }
            guard wrong.isEmpty else {
                Issue.record("round \(round) (\(mode)): not ended by .terminated: \(wrong)")
                return
            }
        }
    }
}
