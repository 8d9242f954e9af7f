/**
 * The registry the remote-manager test serves (CPython's QueueManager):
 * `get_queue` hands every client the same Queue; `initialize` is an
 * initializer that leaves a mark in it.
 */
import type { Queue } from "../../src/domain/types/Queue.ts"
import * as SyncManagerTypes from "../../src/layers/SyncManagerTypes.ts"
import * as Registry from "../../src/services/Registry.ts"

const queue = SyncManagerTypes.referent("Queue") as Queue

export const types = [Registry.alias("get_queue", SyncManagerTypes.types.Queue, () => queue)]

export const initialize = (mark: string) => {
  queue.put(`initialized ${mark}`)
}
