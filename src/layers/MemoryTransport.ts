/**
 * The in-memory Transport: listeners and connections inside one process,
 * joined by byte pipes that go through the same framing as the sockets.
 * Writes are delivered on a later microtask, in order and coalesced, as a
 * socket would deliver them. Addresses (`memory:name`) are shared by the
 * whole process.
 *
 * @since 0.1.0
 */
import { Effect, Layer, Queue } from "effect"
import { type Connection, type Listener, Transport, TransportError, type TransportOptions } from "../services/Transport.ts"
import { type ByteSink, makeFramedConnection } from "./FramedConnection.ts"

interface Pipe {
  sink: ByteSink | undefined
  queued: Array<Uint8Array>
  scheduled: boolean
  ended: boolean
}

const deliver = (pipe: Pipe) => {
  pipe.scheduled = false
  const chunks = pipe.queued
  pipe.queued = []
  for (const c of chunks) pipe.sink?.onData(c)
}

const makePair = (
  peers: readonly [string, string],
  options: TransportOptions
): readonly [Connection, Connection] => {
  const pipes: [Pipe, Pipe] = [
    { sink: undefined, queued: [], scheduled: false, ended: false },
    { sink: undefined, queued: [], scheduled: false, ended: false }
  ]
  const end = (from: number) => {
    for (const pipe of pipes) {
      if (pipe.ended) continue
      pipe.ended = true
      // The close arrives after what was written before it.
      queueMicrotask(() => {
        deliver(pipe)
        pipe.sink?.onEnd()
      })
    }
    void from
  }
  const side = (i: 0 | 1) => {
    const out = pipes[1 - i]!
    const { connection, sink } = makeFramedConnection({
      peer: peers[i],
      write: (chunks) => {
        if (out.ended) return
        for (const c of chunks) out.queued.push(c)
        if (!out.scheduled) {
          out.scheduled = true
          queueMicrotask(() => deliver(out))
        }
      },
      end: () => end(i),
      pause: () => {},
      resume: () => {}
    }, options)
    pipes[i].sink = sink
    return connection
  }
  return [side(0), side(1)]
}

// One namespace per process, as the network is one namespace per host: any
// in-memory client can reach any in-memory listener by its address.
const listeners = new Map<string, Queue.Queue<Connection>>()
let nextPeer = 0

const make = Effect.sync(() => {
  const parse = (address: string) =>
    address.startsWith("memory:") && address.length > "memory:".length
      ? Effect.succeed(address)
      : Effect.fail(new TransportError({ reason: "address", address }))

  return Transport.of({
    schemes: ["memory"],
    listen: (address, options = {}) =>
      Effect.gen(function*() {
        const name = yield* parse(address)
        if (listeners.has(name)) {
          return yield* new TransportError({ reason: "listen", address, cause: new Error("address in use") })
        }
        const accepted = yield* Queue.unbounded<Connection>()
        listeners.set(name, accepted)
        yield* Effect.addFinalizer(() =>
          Effect.sync(() => {
            listeners.delete(name)
          }).pipe(Effect.andThen(Queue.shutdown(accepted)))
        )
        const listener: Listener = { address: name, accept: Queue.take(accepted).pipe(Effect.orDie) }
        void options
        return listener
      }),
    connect: (address, options = {}) =>
      Effect.gen(function*() {
        const name = yield* parse(address)
        const accepted = listeners.get(name)
        if (accepted === undefined) {
          return yield* new TransportError({ reason: "connect", address, cause: new Error("no listener") })
        }
        const id = ++nextPeer
        const [client, server] = makePair([`${name}#server`, `${name}#client-${id}`], options)
        yield* Queue.offer(accepted, server)
        yield* Effect.addFinalizer(() => client.close)
        return client
      })
  })
})

/**
 * The in-memory Transport, for a manager and its clients in one process, and
 * for tests.
 *
 * @since 0.1.0
 */
export const layer: Layer.Layer<Transport> = Layer.effect(Transport, make)
