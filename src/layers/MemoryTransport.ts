/**
 * The in-memory medium: listeners and connections inside one process,
 * joined by byte pipes that go through the same framing as the sockets.
 * Writes are delivered on a later microtask, in order and coalesced, as a
 * socket would deliver them. Addresses (`memory:name`) live on a
 * {@link MemoryNetwork}: connections reach the listeners of theirs only.
 *
 * Each end frames with its own side's options, as sockets do: the server end
 * with the listener's `maxFrameSize`, the client end with the connection's.
 *
 * @since 0.1.0
 */
import { Effect, Layer, Queue } from "effect"
import { type Connection, type Listener, type Medium, Transport, TransportError, type TransportOptions } from "../services/Transport.ts"
import { type ByteSink, makeFramedConnection } from "./FramedConnection.ts"
import * as MemoryNetwork from "./MemoryNetwork.ts"

/**
 * How one direction of an in-memory connection carries its bytes, for fault
 * injection (see FaultyTransport). Without faults, bytes arrive on the next
 * microtask, in order.
 *
 * @category models
 * @since 0.1.0
 */
export interface PipeFaults {
  /** A delay for each chunk, in milliseconds (order within the pipe is kept; across pipes it is not). */
  readonly delayMillis?: (() => number) | undefined
  /** Split writes into chunks of at most this many bytes (frames arrive in pieces). */
  readonly chunkSize?: number | undefined
  /** Close the connection once this many bytes have been delivered (a cut in the middle of a frame). */
  readonly cutAfterBytes?: number | undefined
  /** Stop delivering after this many bytes, without closing (a half-open connection). */
  readonly blackholeAfterBytes?: number | undefined
  /** Stop delivering, without closing, whenever this says so (a link that goes dead). */
  readonly silenced?: (() => boolean) | undefined
}

/**
 * Faults for each new connection: by its number on the network and the
 * direction of the pipe.
 *
 * @category models
 * @since 0.1.0
 */
export type Faults = (connection: number, direction: "toServer" | "toClient") => PipeFaults

interface Pipe {
  sink: ByteSink | undefined
  queued: Array<Uint8Array>
  scheduled: boolean
  ended: boolean
  delivered: number
  readonly faults: PipeFaults
  readonly cut: () => void
}

const deliverNow = (pipe: Pipe, chunk: Uint8Array) => {
  const f = pipe.faults
  if (f.silenced?.() === true) return
  if (f.blackholeAfterBytes !== undefined && pipe.delivered >= f.blackholeAfterBytes) return
  let c = chunk
  if (f.blackholeAfterBytes !== undefined) c = c.subarray(0, f.blackholeAfterBytes - pipe.delivered)
  if (f.cutAfterBytes !== undefined) c = c.subarray(0, Math.max(0, f.cutAfterBytes - pipe.delivered))
  pipe.delivered += c.length
  if (c.length > 0) pipe.sink?.onData(c)
  if (f.cutAfterBytes !== undefined && pipe.delivered >= f.cutAfterBytes) pipe.cut()
}

const deliver = (pipe: Pipe) => {
  pipe.scheduled = false
  const chunks = pipe.queued
  pipe.queued = []
  for (const c of chunks) deliverNow(pipe, c)
}

// With delays: one chunk at a time, each after its own delay, in order.
const deliverDelayed = (pipe: Pipe) => {
  const next = pipe.queued.shift()
  if (next === undefined) {
    pipe.scheduled = false
    return
  }
  setTimeout(() => {
    deliverNow(pipe, next)
    deliverDelayed(pipe)
  }, pipe.faults.delayMillis!())
}

// Side 0 is the client end, side 1 the server end; each frames with its own options.
const makePair = (
  peers: readonly [string, string],
  options: readonly [TransportOptions, TransportOptions],
  faults: readonly [PipeFaults, PipeFaults]
): readonly [Connection, Connection] => {
  const end = () => {
    for (const pipe of pipes) {
      if (pipe.ended) continue
      pipe.ended = true
      const close = () => {
        deliver(pipe)
        pipe.sink?.onEnd()
      }
      // The close arrives after what was written before it.
      if (pipe.faults.delayMillis !== undefined) {
        const wait = () => (pipe.scheduled ? setTimeout(wait, 1) : close())
        setTimeout(wait, 0)
      } else queueMicrotask(close)
    }
  }
  const cut = () => {
    for (const pipe of pipes) {
      if (pipe.ended) continue
      pipe.ended = true
      pipe.queued = []
      queueMicrotask(() => pipe.sink?.onEnd(new Error("connection cut")))
    }
  }
  const pipes: [Pipe, Pipe] = [
    { sink: undefined, queued: [], scheduled: false, ended: false, delivered: 0, faults: faults[0], cut },
    { sink: undefined, queued: [], scheduled: false, ended: false, delivered: 0, faults: faults[1], cut }
  ]
  const side = (i: 0 | 1) => {
    const out = pipes[1 - i]!
    const { connection, sink } = makeFramedConnection({
      peer: peers[i],
      write: (chunks) => {
        if (out.ended) return
        const size = out.faults.chunkSize
        for (const c of chunks) {
          if (size === undefined) out.queued.push(c)
          else for (let o = 0; o < c.length; o += size) out.queued.push(c.subarray(o, o + size))
        }
        if (!out.scheduled) {
          out.scheduled = true
          if (out.faults.delayMillis !== undefined) deliverDelayed(out)
          else queueMicrotask(() => deliver(out))
        }
      },
      end,
      pause: () => {},
      resume: () => {}
    }, options[i])
    pipes[i].sink = sink
    return connection
  }
  return [side(0), side(1)]
}

const parse = (address: string) =>
  address.startsWith("memory:") && address.length > "memory:".length
    ? Effect.succeed(address)
    : Effect.fail(new TransportError({ reason: "address", address }))

/**
 * The in-memory medium on the network in the context, its connections
 * suffering the given faults (none by default).
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (faults?: Faults): Effect.Effect<Medium, never, MemoryNetwork.MemoryNetwork> =>
  MemoryNetwork.MemoryNetwork.useSync((network): Medium => ({
    schemes: ["memory"],
    listen: (address, options = {}) =>
      Effect.gen(function*() {
        const name = yield* parse(address)
        const accepted = yield* network.bind(name, options)
        const listener: Listener = { address: name, accept: Queue.take(accepted).pipe(Effect.orDie) }
        return listener
      }),
    connect: (address, options = {}) =>
      Effect.gen(function*() {
        const name = yield* parse(address)
        const bound = network.lookup(name)
        const noListener = new TransportError({ reason: "connect", address, cause: new Error("no listener") })
        if (bound === undefined) return yield* noListener
        const id = network.nextConnection()
        const plan: readonly [PipeFaults, PipeFaults] = faults === undefined
          ? [{}, {}]
          : [faults(id, "toClient"), faults(id, "toServer")]
        const [client, server] = makePair([`${name}#server`, `${name}#client-${id}`], [options, bound.options], plan)
        if (!(yield* bound.offer(server))) {
          yield* client.abort
          return yield* noListener
        }
        yield* Effect.addFinalizer(() => client.close)
        return client
      })
  }))

/**
 * The in-memory medium on the network in the context: combine it with
 * others in `Transport.layer(...)`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const medium: Effect.Effect<Medium, never, MemoryNetwork.MemoryNetwork> = make()

/**
 * The in-memory Transport (`memory:` addresses only), on a network of its
 * own, for a manager and its clients in one process, and for tests. To reach
 * its listeners from a separately built Transport (a FaultyTransport, say),
 * build both on one `MemoryNetwork.layer` instead.
 *
 * @category layers
 * @since 0.1.0
 */
export const layer: Layer.Layer<Transport> = Transport.layer(medium).pipe(Layer.provide(Layer.fresh(MemoryNetwork.layer)))
