// swift-format-ignore-file
// (Kept as the docs show the samples, line for line: see everySampleOfTheDocsIsHere.)
import Foundation
import RingMQ
import Testing

// The samples of Docs/RequestReply.md, verbatim (the suite, and the check that they match the
// page, are in DocSamplesTests.swift).

extension DocSamplesTests {
    @Test func requestReplyTheSimpleCase() throws {
        let (question, answer) = try Peer { () throws -> (Message, Message) in
            let context = Context()
            let service = try context.socket(.rep)
            try service.bind("inproc://clock")
            let client = try context.socket(.req)
            try client.connect("inproc://clock")

            try client.send("what time is it?")
            let question = try service.receive()          // "what time is it?"
            try service.send("noon")
            let answer = try client.receive()             // "noon"
            return (question, answer)
        }.join().get()
        #expect(question == "what time is it?")
        #expect(answer == "noon")
    }

    @Test func requestReplyRouterAddressingPeers() throws {
        let (hello, job) = try Peer { () throws -> (Message, Message) in
            let context = Context()
            let router = try context.socket(.router)
            try router.bind("inproc://workers")
            let worker = try context.socket(.dealer)
            worker.routingID = "worker-1"
            try worker.connect("inproc://workers")

            try worker.send(["", "ready"])
            let hello = try router.receive()              // ["worker-1", "", "ready"]
            try router.send(["worker-1", "", "job 42"])   // routed by the first frame
            return (hello, try worker.receive())
        }.join().get()
        #expect(hello == ["worker-1", "", "ready"])
        #expect(job == ["", "job 42"])
    }

    @Test func requestReplyEnvelopeHelpers() throws {
        let answer = try Peer { () throws -> Message? in
            // Scaffolding: a ROUTER and a REQ that sent "hello" as "client".
            let context = Context()
            defer { context.terminate() }
            let router = try context.socket(.router)
            try router.bind("inproc://envelopes")
            let client = try context.socket(.req)
            client.routingID = "client"
            try client.connect("inproc://envelopes")
            try client.send("hello")

            try { () throws -> Void in
                var request = try router.receive()              // ["client", "", "hello"]
                guard let envelope = request.popEnvelope() else { return }   // no delimiter: not a request
                var reply: Message = "hi"                       // request is now ["hello"]
                reply.pushEnvelope(envelope)                    // ["client", "", "hi"]
                try router.send(reply)
            }()
            return try client.receive()
        }.join().get()
        #expect(answer == "hi")
    }

    @Test func requestReplyHandoverAndProbes() throws {
        let (probe, second, first) = try Peer { () throws -> (Message, Socket, Socket) in
            let context = Context()
            let router = try context.socket(.router)
            router.routerHandover = true
            try router.bind("inproc://sessions")

            let first = try context.socket(.dealer)
            first.routingID = "client-7"
            first.probeRouter = true
            try first.connect("inproc://sessions")
            let probe = try router.receive()              // ["client-7", ""]: a new peer

            let second = try context.socket(.dealer)      // the same client, back again
            second.routingID = "client-7"
            try second.connect("inproc://sessions")       // takes "client-7" over
            try router.send(["client-7", "welcome back"]) // reaches `second` only
            return (probe, second, first)
        }.join().get()
        #expect(probe == ["client-7", ""])
        #expect(try second.tryReceive() == "welcome back")
        #expect(try first.tryReceive() == nil)
    }

    @Test func requestReplyBroker() throws {
        let reply = try Peer { () throws -> Message in
            let context = Context()
            let frontend = try context.socket(.router)
            try frontend.bind("inproc://clients")
            let backend = try context.socket(.dealer)
            try backend.bind("inproc://workers")
            let broker = SocketThread(name: "broker") {    // a thread of your own, not a pool task
                try proxy(frontend: frontend, backend: backend)
            }
            // Clients: REQ sockets connected to inproc://clients.
            // Workers: REP sockets connected to inproc://workers, each in its own thread.
            // context.terminate() stops the broker, and every blocked worker and client;
            // try? broker.join() then returns (the proxy threw .terminated).

            // Scaffolding: one worker thread and one client.
            defer { try? broker.join() }                   // runs after the terminate below
            defer { context.terminate() }
            let worker = try context.socket(.rep)
            try worker.connect("inproc://workers")
            Thread {
                do {
                    while true {
                        let request = try worker.receive()
                        try worker.send("answer to \(request[0].string)")
                    }
                } catch {}
            }.start()
            let client = try context.socket(.req)
            try client.connect("inproc://clients")
            try client.send("question 1")
            return try client.receive()
        }.join().get()
        #expect(reply == "answer to question 1")
    }

    @Test func requestReplyLazyPirate() throws {
        let (reply, tries) = try Peer { () throws -> (Message, Int) in
            let context = Context()
            let client = try context.socket(.req)
            client.requestRelaxed = true                   // may send again before the reply has come
            client.requestCorrelate = true                 // so a late reply to an earlier try is dropped
            client.receiveTimeout = .milliseconds(100)
            try client.bind("inproc://pirate")             // servers connect; so does a restarted one

            /// Sends `request` and returns its reply, trying up to `tries` times on the same socket.
            func ask(_ request: Message, tries: Int = 3) throws -> Message {
                var left = tries
                while true {
                    try client.send(request)               // a retry goes to the next server in turn
                    do {
                        return try client.receive()
                    } catch RingMQError.timedOut where left > 1 {
                        left -= 1                          // no reply in time: try again
                    }
                }
            }

            // A server that takes one request and dies without answering, and one that answers.
            let crashing = try context.socket(.rep)
            try crashing.connect("inproc://pirate")
            let server = try context.socket(.rep)
            try server.connect("inproc://pirate")
            Thread {
                _ = try? crashing.receive()
                crashing.close()                           // dies mid-request
            }.start()
            Thread {
                while let request = try? server.receive() {
                    try? server.send("answer to \(request[0].string)")
                }
            }.start()

            let reply = try ask("status?")                 // the first try is lost, the second answered

            // Scaffolding: the answering server's thread ends with the context.
            defer { context.terminate() }
            return (reply, client.statistics.messagesSent)
        }.join().get()
        #expect(reply == "answer to status?")
        // The first try went to the server that died: the reply took a retry (or two, if the
        // answering server's thread was slow to start).
        #expect(tries >= 2)
    }
}
