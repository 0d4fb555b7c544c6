/// Names a ``Pipe`` for the tables that must find one again (a fair queue's released pipes, a
/// ROUTER's sources, a REQ's reply source): its address, compared and hashed, never
/// dereferenced.
///
/// An address is reused once its pipe is freed, so an id must not outlive the pipe's
/// attachment: the tables drop ids when they drop the attachment (see ``FairQueue/remove(_:)``).
struct PipeID: Hashable, @unchecked Sendable {
    // @unchecked Sendable: the pointer is only compared and hashed, never read through.
    let address: UnsafeMutableRawPointer
}
