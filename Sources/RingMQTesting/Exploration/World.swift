import RingMQ

/// One run of a controlled exploration: a fresh ``context`` on virtual time, and the
/// participants that the test body starts through it.
///
/// Every socket call of a participant is a scheduling point: the scheduler lets one
/// participant run at a time, and at each point chooses who runs next. Create the sockets from
/// ``context`` and use them only from participants of this world.
///
/// ```swift
/// let result = await Exploration.run(.random(seed: 7)) { world in
///     let pull = try world.context.socket(.pull)
///     try pull.bind("inproc://tasks")
///     world.thread("producer") {
///         let push = try world.context.socket(.push)
///         try push.connect("inproc://tasks")
///         try push.send(Message("job"))
///     }
///     _ = try await pull.receive()
/// }
/// ```
public final class World: Sendable {
    /// The context of this run; its timeouts are measured on the run's virtual clock, which
    /// moves only when every participant is blocked.
    public let context: Context
    /// The run's number in the exploration, from 0.
    public let run: Int
    let controller: Controller

    /// A world of `controller`'s run, with `context` (a plain run's, on the real clock) or, by
    /// default, a context the controller schedules and keeps the time of.
    init(controller: Controller, context: Context? = nil) {
        self.controller = controller
        run = controller.run
        self.context = context ?? Context(controller: controller)
        controller.state.withLock { $0.context = self.context }
    }

    /// Starts a participant that runs `body`, a closure of blocking calls, as a thread of its
    /// own under the scheduler's control.
    ///
    /// - Parameters:
    ///   - name: the participant's name in traces and reports.
    ///   - body: its work; what it throws fails the run.
    /// - Returns: the participant, to ``Participant/join()`` it.
    @discardableResult
    public func thread(_ name: String, _ body: @escaping @Sendable () throws -> Void) -> Participant {
        controller.spawn(name) { try withBlockingCallsAllowed { try body() } }
    }

    /// Starts a participant that runs `body` as a task on an executor the scheduler controls,
    /// so that it is paused at every socket call and every suspension.
    ///
    /// A `Task {}` made inside a participant is not controlled (its first call on a socket of
    /// the world fails the run as ``ExplorationFailure/Kind/misuse``); start it with this
    /// instead.
    ///
    /// - Parameters:
    ///   - name: the participant's name in traces and reports.
    ///   - body: its work; what it throws fails the run.
    /// - Returns: the participant, to ``Participant/join()`` it.
    @discardableResult
    public func task(_ name: String, _ body: @escaping @Sendable () async throws -> Void) -> Participant {
        controller.spawn(name, body)
    }

    /// Waits (real time, up to `limit`) until nobody in the run can run and it waits for a
    /// resume from outside the world; `false` if that did not happen in time. For tests of
    /// that wait, from a thread the world did not start.
    package func waitUntilAwaitingOutside(within limit: Duration) -> Bool {
        controller.awaitingOutside.wait(timeout: limit)
    }

    /// A scheduling point without a socket call: lets the scheduler run another participant
    /// here (for shared state touched outside RingMQ, which the scheduler cannot see). Under
    /// ``Schedule/pct(depth:seed:)`` the participant that yields also drops below all others.
    public func yield() {
        controller.yielding()
        controller.point(SchedulePoint(call: "yield()", socket: nil))
    }
}
