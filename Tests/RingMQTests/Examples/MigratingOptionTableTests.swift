import Foundation
import RingMQ
import Testing

/// Docs/Migrating.md's option tables account for every socket option of libzmq's `zmq.h`
/// (4.3 with the drafts, as listed here) and name every `SocketOption` case, so an option
/// added on either side without a row fails here.
@Suite struct MigratingOptionTableTests {
    /// Every `ZMQ_*` socket option `zmq.h` defines, aliases included, in its order.
    static let libzmqOptions = """
        AFFINITY ROUTING_ID IDENTITY SUBSCRIBE UNSUBSCRIBE RATE RECOVERY_IVL SNDBUF RCVBUF RCVMORE
        FD EVENTS TYPE LINGER RECONNECT_IVL BACKLOG RECONNECT_IVL_MAX MAXMSGSIZE SNDHWM RCVHWM
        MULTICAST_HOPS RCVTIMEO SNDTIMEO LAST_ENDPOINT ROUTER_MANDATORY FAIL_UNROUTABLE
        TCP_KEEPALIVE TCP_KEEPALIVE_CNT TCP_KEEPALIVE_IDLE TCP_KEEPALIVE_INTVL IMMEDIATE
        DELAY_ATTACH_ON_CONNECT XPUB_VERBOSE ROUTER_RAW IPV6 MECHANISM PLAIN_SERVER PLAIN_USERNAME
        PLAIN_PASSWORD CURVE_SERVER CURVE_PUBLICKEY CURVE_SECRETKEY CURVE_SERVERKEY PROBE_ROUTER
        REQ_CORRELATE REQ_RELAXED CONFLATE ZAP_DOMAIN ROUTER_HANDOVER TOS CONNECT_ROUTING_ID
        CONNECT_RID GSSAPI_SERVER GSSAPI_PRINCIPAL GSSAPI_SERVICE_PRINCIPAL GSSAPI_PLAINTEXT
        HANDSHAKE_IVL SOCKS_PROXY XPUB_NODROP BLOCKY XPUB_MANUAL XPUB_WELCOME_MSG STREAM_NOTIFY
        INVERT_MATCHING HEARTBEAT_IVL HEARTBEAT_TTL HEARTBEAT_TIMEOUT XPUB_VERBOSER CONNECT_TIMEOUT
        TCP_MAXRT THREAD_SAFE MULTICAST_MAXTPDU VMCI_BUFFER_SIZE VMCI_BUFFER_MIN_SIZE
        VMCI_BUFFER_MAX_SIZE VMCI_CONNECT_TIMEOUT USE_FD GSSAPI_PRINCIPAL_NAMETYPE
        GSSAPI_SERVICE_PRINCIPAL_NAMETYPE BINDTODEVICE TCP_ACCEPT_FILTER IPC_FILTER_PID
        IPC_FILTER_UID IPC_FILTER_GID IPV4ONLY ZAP_ENFORCE_DOMAIN LOOPBACK_FASTPATH METADATA
        MULTICAST_LOOP ROUTER_NOTIFY XPUB_MANUAL_LAST_VALUE SOCKS_USERNAME SOCKS_PASSWORD
        IN_BATCH_SIZE OUT_BATCH_SIZE WSS_KEY_PEM WSS_CERT_PEM WSS_TRUST_PEM WSS_HOSTNAME
        WSS_TRUST_SYSTEM ONLY_FIRST_SUBSCRIBE RECONNECT_STOP HELLO_MSG DISCONNECT_MSG PRIORITY
        BUSY_POLL HICCUP_MSG XSUB_VERBOSE_UNSUBSCRIBE TOPICS_COUNT NORM_MODE NORM_UNICAST_NACK
        NORM_BUFFER_SIZE NORM_SEGMENT_SIZE NORM_BLOCK_SIZE NORM_NUM_PARITY NORM_NUM_AUTOPARITY
        NORM_PUSH
        """.split(whereSeparator: \.isWhitespace).map { "ZMQ_\($0)" }

    /// One value of every `SocketOption` case (the switch fails to compile when a case is added).
    static func propertyName(of option: SocketOption) -> String {
        switch option {
        case .sendHighWaterMark: "sendHighWaterMark"
        case .receiveHighWaterMark: "receiveHighWaterMark"
        case .sendTimeout: "sendTimeout"
        case .receiveTimeout: "receiveTimeout"
        case .linger: "linger"
        case .routingID: "routingID"
        case .routerMandatory: "routerMandatory"
        case .conflate: "conflate"
        case .xpubVerbose: "xpubVerbose"
        case .xpubNoDrop: "xpubNoDrop"
        case .invertMatching: "invertMatching"
        case .redeliverUnread: "redeliverUnread"
        case .requestRelaxed: "requestRelaxed"
        case .requestCorrelate: "requestCorrelate"
        case .routerHandover: "routerHandover"
        case .probeRouter: "probeRouter"
        case .xpubManual: "xpubManual"
        case .xpubVerboser: "xpubVerboser"
        case .onlyFirstSubscribe: "onlyFirstSubscribe"
        case .xpubWelcomeMessage: "xpubWelcomeMessage"
        case .immediate: "immediate"
        }
    }

    static let everyOption: [SocketOption] = [
        .sendHighWaterMark(1), .receiveHighWaterMark(1), .sendTimeout(nil), .receiveTimeout(nil), .linger(nil),
        .routingID(nil), .routerMandatory(true), .conflate(true), .xpubVerbose(true), .xpubNoDrop(true),
        .invertMatching(true), .redeliverUnread(true), .requestRelaxed(true), .requestCorrelate(true),
        .routerHandover(true), .probeRouter(true), .xpubManual(true), .xpubVerboser(true),
        .onlyFirstSubscribe(true), .xpubWelcomeMessage(nil), .immediate(true),
    ]

    private func optionSection() throws -> String {
        let root = try #require(packageRoot())
        let page = try String(contentsOf: root.appendingPathComponent("Docs/Migrating.md"), encoding: .utf8)
        let start = try #require(page.range(of: "## Socket options"))
        let end = try #require(page.range(of: "## Errors"))
        return String(page[start.upperBound..<end.lowerBound])
    }

    @Test func everyLibzmqOptionHasARow() throws {
        let section = try optionSection()
        let rows = section.split(separator: "\n").filter { $0.hasPrefix("|") }
        for option in Self.libzmqOptions {
            // Whole names only: ZMQ_XPUB_VERBOSE must not be found inside ZMQ_XPUB_VERBOSER.
            let listed = rows.contains { $0.contains("`\(option)`") }
            #expect(listed, "\(option) is in none of Docs/Migrating.md's option tables")
        }
    }

    @Test func everySocketOptionHasARow() throws {
        let section = try optionSection()
        #expect(Self.everyOption.count == Set(Self.everyOption.map(Self.propertyName)).count)
        for option in Self.everyOption {
            let name = Self.propertyName(of: option)
            #expect(section.contains("| `\(name)` |"), "\(name) has no row in Docs/Migrating.md's option table")
        }
    }
}
