import RingMQ

/// The classic weather-update filter: a PUB publishes "zip temperature humidity" updates for
/// eight zip codes; an XSUB/XPUB proxy on its own thread relays them; a SUB behind the proxy
/// subscribes to the prefix "10001 " and averages the temperature of 100 updates.
///
/// Shows that filtering happens at the source, across the proxy: the subscription travels up
/// through the XPUB, the proxy and the XSUB to the PUB, which then sends only matching updates
/// down. A direct `subscribe` is in force when it returns, but through a proxy the proxy's
/// thread forwards it, so the publisher cannot know when it arrives; instead it publishes a
/// probe on the subscriber's topic until the subscriber reports that one came through (no
/// sleep), then publishes the real, seeded updates. High-water marks of 0 (no limit) mean no
/// update is dropped, so the subscriber sees exactly the first 100 updates for 10001 and the
/// average is the same on every run. `context.terminate()` stops the proxy.
let weatherScenario = Scenario(
    name: "weather",
    summary: "PUB/SUB weather updates filtered by zip-code prefix, through an XSUB/XPUB proxy"
) {
    let context = Context()
    defer { context.terminate() }

    let publisher = try context.patientSocket(.pub)
    publisher.sendHighWaterMark = 0  // no limit: the subscriber misses nothing
    try publisher.bind("inproc://weather")

    let frontend = try context.socket(.xsub)
    try frontend.connect("inproc://weather")
    let backend = try context.socket(.xpub)
    backend.sendHighWaterMark = 0
    try backend.bind("inproc://weather-relay")
    let relay = PeerThread {
        do {
            try proxy(frontend: frontend, backend: backend)
        } catch RingMQError.terminated {
            // the normal end of a proxy
        } catch {
            print("   proxy stopped: \(error)")
        }
    }

    let reports = try context.patientSocket(.pull)
    try reports.bind("inproc://weather-reports")
    let zip = "10001"
    let wanted = 100
    let subscriber = try context.patientSocket(.sub)
    try subscriber.connect("inproc://weather-relay")
    try subscriber.subscribe(Frame(zip + " "))
    let report = try context.patientSocket(.push)
    try report.connect("inproc://weather-reports")
    let listener = PeerThread {
        do {
            var ready = false
            var updates: [String] = []
            var strangers = 0  // messages not for our zip code: there must be none
            while updates.count < wanted {
                let text = try subscriber.receive()[0].string
                if !text.hasPrefix(zip + " ") { strangers += 1 }
                if text.hasSuffix(" probe") {
                    if !ready { try report.send("ready") }  // the subscription reached the PUB
                    ready = true
                    continue
                }
                updates.append(text)
            }
            let temperatures = updates.map { Int($0.split(separator: " ")[1])! }
            let average = Double(temperatures.reduce(0, +)) / Double(temperatures.count)
            try report.send([
                "done", Frame("\(average)"), Frame("\(strangers)"),
                Frame(updates.joined(separator: ";")),
            ])
        } catch {
            print("   subscriber stopped: \(error)")
        }
    }

    // 1. Probe until the subscription has come up through the proxy.
    var poller = Poller()
    poller.register(reports, for: .readable)
    var probes = 0
    repeat {
        try check(probes < 2000, "no probe reached the subscriber through the proxy")
        try publisher.send(Message(zip + " probe"))
        probes += 1
        // Up to 1 ms for the "ready" before the next probe: a pace, not a guess — whatever the
        // timing, the loop ends on the report, never on a timeout.
    } while try poller.poll(timeout: .milliseconds(1)).isEmpty
    try check(try reports.receive() == "ready", "expected the subscriber's ready")

    // 2. Publish seeded updates until 100 of them were for 10001.
    let zips = [zip, "10002", "10010", "11001", "02139", "60601", "73301", "94105"]
    var random = SeededGenerator(seed: 2025)
    var published = 0
    var forUs: [String] = []
    while forUs.count < wanted {
        let update =
            "\(zips[Int(random.next() % UInt64(zips.count))]) "
            + "\(Int(random.next() % 215) - 80) \(Int(random.next() % 50) + 10)"
        try publisher.send(Message(update))
        published += 1
        if update.hasPrefix(zip + " ") { forUs.append(update) }
    }

    let done = try reports.receive()
    listener.join()
    context.terminate()  // wakes the proxy: it throws .terminated
    relay.join()

    let average = Double(done[1].string)!
    let strangers = Int(done[2].string)!
    let seen = done[3].string.split(separator: ";").map(String.init)
    let expected = Double(forUs.map { Int($0.split(separator: " ")[1])! }.reduce(0, +)) / Double(wanted)
    print("   probed \"\(zip) probe\" until one came through the proxy: the subscription had reached the PUB")
    print(
        "   published \(published) updates for \(zips.count) zip codes; the subscriber to \"\(zip) \" "
            + "received \(seen.count), all for \(zip)")
    print(
        "   average temperature for \(zip): \(decimal(average, places: 1))F "
            + "(first updates: \(seen.prefix(3).joined(separator: ", ")), …)")

    try check(strangers == 0, "the subscriber received \(strangers) updates for other zip codes")
    try check(seen == forUs, "the subscriber saw other updates than the \(wanted) published for \(zip)")
    try check(average == expected, "average \(average), computed from what was published: \(expected)")
}
