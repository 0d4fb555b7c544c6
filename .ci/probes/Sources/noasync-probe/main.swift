// Must NOT compile: in top-level code Swift picks the blocking receive() even after `await`
// (the async overload is not chosen there); RingMQ marks the blocking forms `noasync`, so this
// is an error that says what to write instead, not a program that hangs. CI expects the error.
import RingMQ

let context = Context()
let pull = try context.socket(.pull)
try pull.bind("inproc://probe")
let message = try await pull.receive()
print(message[0].string)
