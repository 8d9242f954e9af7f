/**
 * The floor: a raw node:net request/reply ping-pong between two processes
 * over the same kind of socket, 64-byte frames with a 4-byte length, one
 * round trip at a time.
 *
 *   node raw-pingpong.ts server ADDRESS        prints "listening ADDRESS"
 *   node raw-pingpong.ts client ADDRESS SECONDS prints round trips per second
 */
import * as net from "node:net"
import { parseAddress, tcpAddress } from "../src/domain/Address.ts"

const [role, address, seconds] = process.argv.slice(2) as [string, string, string?]
const parsed = parseAddress(address)!
const frame = Buffer.alloc(68)
frame.writeInt32BE(64, 0)

const onFrames = (socket: net.Socket, onFrame: () => void) => {
  let pending = 0
  socket.on("data", (chunk: Buffer) => {
    pending += chunk.length
    while (pending >= 68) {
      pending -= 68
      onFrame()
    }
  })
}

if (role === "server") {
  const server = net.createServer({ noDelay: true }, (socket) => {
    socket.setNoDelay(true)
    onFrames(socket, () => socket.write(frame))
  })
  const listen = parsed._tag === "unix" ? { path: parsed.path } : parsed._tag === "tcp" ? { host: parsed.host, port: parsed.port } : {}
  server.listen(listen, () => {
    const a = server.address()
    console.log(`listening ${typeof a === "string" ? address : tcpAddress("127.0.0.1", a!.port)}`)
  })
  process.on("SIGTERM", () => server.close(() => process.exit(0)))
} else {
  const socket = parsed._tag === "unix"
    ? net.createConnection({ path: parsed.path })
    : net.createConnection({ host: (parsed as { host: string }).host, port: (parsed as { port: number }).port, noDelay: true })
  socket.on("connect", () => {
    socket.setNoDelay(true)
    const duration = Number(seconds ?? 1) * 1000
    // Warm up as the other benchmarks do (BENCH_WARM_SECONDS), then count.
    const warmUntil = performance.now() + Number(process.env["BENCH_WARM_SECONDS"] ?? 1) * 1000
    let n = 0
    let start = 0
    onFrames(socket, () => {
      if (start === 0) {
        if ((++n & 255) === 0 && performance.now() >= warmUntil) {
          n = 0
          start = performance.now()
        }
      } else if ((++n & 255) === 0 && performance.now() - start >= duration) {
        console.log(String((n / ((performance.now() - start) / 1000)).toFixed(0)))
        socket.destroy()
        return
      }
      socket.write(frame)
    })
    socket.write(frame)
  })
}
