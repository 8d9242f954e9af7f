/**
 * Reads the captured CPython manager traffic in test/fixtures/cpython-transcripts:
 * every frame, with the step it belongs to, and which frames are pickles (those
 * after the six handshake frames of their connection, up to a '#FAILURE#').
 */
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"

export const transcriptDir = join(import.meta.dirname, "..", "fixtures", "cpython-transcripts")

export interface Frame {
  readonly file: string
  readonly seq: number
  readonly conn: number
  readonly dir: "c2s" | "s2c"
  readonly kind: string
  readonly step: string
  readonly payload: Uint8Array
  /** True when the frame follows a completed handshake on its connection. */
  readonly afterHandshake: boolean
}

const HANDSHAKE_FRAMES = 6
const FAILURE = Buffer.from("#FAILURE#")

export const transcriptFiles = (): Array<string> =>
  readdirSync(transcriptDir).filter((f) => f.endsWith(".jsonl")).sort()

export const readTranscript = (file: string): Array<Frame> => {
  const frames: Array<Frame> = []
  const perConn = new Map<number, number>()
  const failed = new Set<number>()
  let step = ""
  for (const line of readFileSync(join(transcriptDir, file), "utf8").split("\n")) {
    if (line.trim() === "") continue
    const o = JSON.parse(line) as Record<string, unknown>
    if (typeof o["marker"] === "string") {
      step = o["marker"]
      continue
    }
    const conn = o["conn"] as number
    const payload = Buffer.from(o["payload"] as string, "hex")
    const index = perConn.get(conn) ?? 0
    perConn.set(conn, index + 1)
    if (Buffer.compare(payload, FAILURE) === 0) failed.add(conn)
    frames.push({
      file,
      seq: o["seq"] as number,
      conn,
      dir: o["dir"] as "c2s" | "s2c",
      kind: o["kind"] as string,
      step,
      payload: new Uint8Array(payload),
      afterHandshake: index >= HANDSHAKE_FRAMES && !failed.has(conn)
    })
  }
  return frames
}

/** Every pickle frame of every transcript. */
export const pickleFrames = (): Array<Frame> =>
  transcriptFiles().flatMap(readTranscript).filter((f) => f.afterHandshake && f.payload[0] === 0x80)

export const toHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex")
export const fromHex = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, "hex"))
