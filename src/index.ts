/**
 * effect-managers: Python's `multiprocessing.managers` for Effect. A manager
 * owns shared objects; fibers, processes, machines and CPython programs use
 * them through proxies.
 *
 * @module effect-managers
 * @since 0.1.0
 */

// Services: what a manager is made of.
export { Manager, type CreateError, type ManagerShape, type PoolOptions } from "./proxy/Manager.ts"
export { BaseManager, type BaseManagerShape } from "./services/BaseManager.ts"
export { Server, type ServerOptions } from "./services/Server.ts"
export * as Registry from "./services/Registry.ts"
export { RefcountStore, type Counts, type RefcountStoreShape, UnknownObject, RefcountError } from "./services/RefcountStore.ts"
export { SharedState, NewObject, type SharedStateShape } from "./services/SharedState.ts"
export { LocalObjects, type LocalObjectsShape } from "./services/LocalObjects.ts"
export {
  Transport,
  TransportError,
  ConnectionClosed,
  type Connection,
  type Listener,
  type Medium,
  type TransportOptions
} from "./services/Transport.ts"

// Layers: how they are made.
export * as InProcessManager from "./layers/InProcessManager.ts"
export * as ManagerClient from "./layers/ManagerClient.ts"
export * as PythonManagerClient from "./layers/PythonManagerClient.ts"
export * as ServerLive from "./layers/ServerLive.ts"
export * as MemoryNetwork from "./layers/MemoryNetwork.ts"
export * as MemoryTransport from "./layers/MemoryTransport.ts"
export * as FaultyTransport from "./layers/FaultyTransport.ts"
export * as NodeTransport from "./layers/NodeTransport.ts"
export * as SocketConnection from "./layers/SocketConnection.ts"
export * as StartedManager from "./layers/StartedManager.ts"
export * as MemoryRefcountStore from "./layers/MemoryRefcountStore.ts"
export * as MemorySharedState from "./layers/memory/MemorySharedState.ts"
export * as MemoryBackend from "./layers/memory/MemoryBackend.ts"
export * as SyncManager from "./layers/SyncManagerTypes.ts"

// Proxies.
export { BaseProxy, isProxy } from "./proxy/BaseProxy.ts"
export { AutoProxy, type AutoProxyOf, type ProxyMethod } from "./proxy/AutoProxy.ts"
export { DictProxy } from "./proxy/DictProxy.ts"
export { ListProxy } from "./proxy/ListProxy.ts"
export { SetProxy } from "./proxy/SetProxy.ts"
export { QueueProxy } from "./proxy/QueueProxy.ts"
export { AcquirerProxy, LockProxy, RLockProxy, SemaphoreProxy, type AcquireOptions } from "./proxy/AcquirerProxy.ts"
export { ConditionProxy } from "./proxy/ConditionProxy.ts"
export { EventProxy } from "./proxy/EventProxy.ts"
export { BarrierProxy } from "./proxy/BarrierProxy.ts"
export { ValueProxy, ArrayProxy } from "./proxy/ValueProxy.ts"
export { NamespaceProxy } from "./proxy/NamespaceProxy.ts"
export { IteratorProxy } from "./proxy/IteratorProxy.ts"
export {
  PoolProxy,
  AsyncResultProxy,
  type Callback,
  type CallbackOptions,
  type ChunkOptions,
  type SubmitError,
  type TaskArgs,
  type TaskFailure,
  type TaskModule,
  type TaskName,
  type TaskResult,
  type ThrownError
} from "./proxy/PoolProxy.ts"
export type { BlockingOptions } from "./proxy/Timeouts.ts"
export { CurrentCaller, type ProxyCore, type CallOptions, type Proxy } from "./domain/ProxyCore.ts"

// Domain: values, errors, and referent hooks for your own types.
export { Token } from "./domain/Token.ts"
export type { ObjectInfo } from "./domain/ObjectInfo.ts"
export * as Referent from "./domain/Referent.ts"
export {
  RemoteError,
  ProxyReleased,
  ConnectionLost,
  ManagerUnavailable,
  CallTimeout,
  LimitExceeded,
  type CallError
} from "./domain/ManagerErrors.ts"
export {
  KeyError,
  IndexError,
  ValueError,
  TypeError,
  RuntimeError,
  AttributeError,
  StopIteration,
  OverflowError,
  QueueEmpty,
  QueueFull,
  BrokenBarrierError,
  TimeoutError,
  MaybeEncodingError,
  PythonException,
  type PythonError,
  type PythonErrorClass,
  type PythonErrorFields
} from "./domain/PythonErrors.ts"
export { WorkerCrashed, PoolTerminated, TaskError, type PoolError } from "./domain/PoolErrors.ts"
export { ModuleLoadError } from "./layers/process/ModuleExport.ts"
export { Tuple } from "./domain/values/Tuple.ts"
export { PyDict } from "./domain/values/PyDict.ts"
export { PySet, FrozenSet } from "./domain/values/PySet.ts"
export { PyFloat, ByteArray, Slice, PyArray, NamespaceValue, ValueCopy, PyObject } from "./domain/values/PyObjects.ts"

// Protocol: for tools that speak the wire directly.
export { AuthenticationError } from "./protocol/Handshake.ts"
export { ProtocolError } from "./protocol/WireCodec.ts"
export { FrameError } from "./protocol/Framing.ts"
export { type ErrorClass, type WireError, UnknownTaggedError } from "./protocol/WireErrors.ts"
