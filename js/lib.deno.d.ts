// The public types of minideno's `Deno` namespace (what `Deno.*` offers user code).

declare namespace Deno {
  /** Arguments after the script name: `minideno run x.ts a b` gives `["a", "b"]`. */
  export const args: string[];
  /** The process id. */
  export const pid: number;
  /** The parent's process id, read anew each time (a getter over a sync op, as in Deno). */
  export const ppid: number;
  /** URL of the main module. */
  export const mainModule: string;
  export const noColor: boolean;
  export const version: { deno: string; v8: string; typescript: string };
  /** The platform minideno was built for: `os` "linux", `arch` "x86_64", and the Rust target triple. */
  export const build: { os: string; arch: string; target: string };
  /** The path of the minideno binary. Needs read access to it. */
  export function execPath(): string;
  /** The current working directory. Needs read access to it. */
  export function cwd(): string;
  /** Changes the working directory of the process. Needs read access to `directory`. */
  export function chdir(directory: string): void;
  /** $HOME, or null if unset. Needs env access to HOME. */
  export function homeDir(): string | null;
  /** The host's name (gethostname). Needs env access to the whole environment. */
  export function hostname(): string;

  /**
   * The process environment. Each call needs env access to the variable it names
   * (`toObject` and `Deno.env()`: the whole environment). Calling `Deno.env()` gives
   * early Deno's object form: a snapshot whose assignments set variables.
   */
  export const env: {
    (): Record<string, string>;
    get(key: string): string | undefined;
    /** Throws an InvalidInput DenoError for an empty name or one with "=" or NUL. */
    set(key: string, value: string): void;
    has(key: string): boolean;
    delete(key: string): void;
    toObject(): Record<string, string>;
  };

  export type PermissionName = "read" | "write" | "net" | "env" | "run" | "hrtime";
  /**
   * What this run may touch outside, per permission: true (everything), false
   * (nothing), or the granted scopes (absolute paths, `host[:port]`, variable names).
   */
  export function permissions(): Record<PermissionName, boolean | string[]>;
  /** Drops a grant for the rest of the run; nothing can regain it. */
  export function revokePermission(name: PermissionName): void;

  // ---- Resources and files. A rid is the userland's file descriptor. ----

  /**
   * Every open rid and its kind: "stdin", "stdout", "stderr", "fsFile", "tcpListener",
   * "tcpStream", "child", "childStdin", "childStdout", "childStderr".
   */
  export function resources(): Record<number, string>;
  /** Closes a rid; its OS handle is released. BadResource if it is not open. */
  export function close(rid: number): void;

  export interface Reader {
    /** Reads into `p`: the number of bytes read (0 only for an empty `p`), or null at the end. */
    read(p: Uint8Array): Promise<number | null>;
  }
  export interface ReaderSync {
    readSync(p: Uint8Array): number | null;
  }
  export interface Writer {
    /** Writes some of `p`: the number of bytes written. */
    write(p: Uint8Array): Promise<number>;
  }
  export interface WriterSync {
    writeSync(p: Uint8Array): number;
  }
  export interface Seeker {
    /** Moves the position: the new offset from the start. */
    seek(offset: number | bigint, whence: SeekMode): Promise<number>;
  }
  export interface SeekerSync {
    seekSync(offset: number | bigint, whence: SeekMode): number;
  }
  export interface Closer {
    close(): void;
  }

  export enum SeekMode {
    Start = 0,
    Current = 1,
    End = 2,
  }

  export interface OpenOptions {
    read?: boolean;
    write?: boolean;
    append?: boolean;
    truncate?: boolean;
    create?: boolean;
    /** Create, failing with AlreadyExists if the file is there. */
    createNew?: boolean;
    /** Permissions of a file this call creates (default 0o666, less the umask). */
    mode?: number;
  }
  /** fopen(3)'s modes: "r" read, "w" write (create, truncate), "a" append (create), "x" write a new file; "+" adds the other direction. */
  export type OpenMode = "r" | "r+" | "w" | "w+" | "a" | "a+" | "x" | "x+";

  export interface FileInfo {
    isFile: boolean;
    isDirectory: boolean;
    isSymlink: boolean;
    size: number;
    mtime: Date | null;
    atime: Date | null;
    birthtime: Date | null;
    mode: number;
    dev: number;
    ino: number;
    nlink: number;
    uid: number;
    gid: number;
    blocks: number;
  }

  /** An open file (or standard stream) and its rid. */
  export class File implements Reader, ReaderSync, Writer, WriterSync, Seeker, SeekerSync, Closer {
    readonly rid: number;
    constructor(rid: number);
    read(p: Uint8Array): Promise<number | null>;
    readSync(p: Uint8Array): number | null;
    write(p: Uint8Array): Promise<number>;
    writeSync(p: Uint8Array): number;
    seek(offset: number | bigint, whence: SeekMode): Promise<number>;
    seekSync(offset: number | bigint, whence: SeekMode): number;
    stat(): Promise<FileInfo>;
    statSync(): FileInfo;
    /** Whether it is a terminal (isatty(3)); an embedder's captured output is not. */
    isTerminal(): boolean;
    close(): void;
  }
  /** Today's Deno name of `File`. */
  export const FsFile: typeof File;

  /** Opens `path` (default: read only). Needs read access to read, write access to write or create. */
  export function open(path: string, options?: OpenOptions | OpenMode): Promise<File>;
  export function openSync(path: string, options?: OpenOptions | OpenMode): File;
  /** Opens `path` for reading and writing, creating or truncating it ("w+"). */
  export function create(path: string): Promise<File>;
  export function createSync(path: string): File;
  /** Reads into `p` from `rid`, in place: the number of bytes read, or null at end of file. */
  export function read(rid: number, p: Uint8Array): Promise<number | null>;
  export function readSync(rid: number, p: Uint8Array): number | null;
  /** Writes `p` (perhaps only some of it) to `rid`: the number of bytes written. */
  export function write(rid: number, p: Uint8Array): Promise<number>;
  export function writeSync(rid: number, p: Uint8Array): number;
  export function seek(rid: number, offset: number | bigint, whence: SeekMode): Promise<number>;
  export function seekSync(rid: number, offset: number | bigint, whence: SeekMode): number;
  export function fstat(rid: number): Promise<FileInfo>;
  export function fstatSync(rid: number): FileInfo;

  /** rid 0. */
  export const stdin: File;
  /** rid 1: console.log/info/debug write here, in order with `Deno.stdout.write`. */
  export const stdout: File;
  /** rid 2: console.warn/error write here. */
  export const stderr: File;

  /** Copies `src` to `dst` until `src` ends (chunks of `bufSize`, default 64 KiB): the byte count. */
  export function copy(dst: Writer, src: Reader, options?: { bufSize?: number }): Promise<number>;
  export function readAll(r: Reader): Promise<Uint8Array>;
  export function readAllSync(r: ReaderSync): Uint8Array;
  export function writeAll(w: Writer, data: Uint8Array): Promise<void>;
  export function writeAllSync(w: WriterSync, data: Uint8Array): void;
  /** Yields the chunks of `r` until it ends; each is valid until the next is read. */
  export function iter(r: Reader, options?: { bufSize?: number }): AsyncIterableIterator<Uint8Array>;
  export function iterSync(r: ReaderSync, options?: { bufSize?: number }): IterableIterator<Uint8Array>;

  /** A growable byte buffer: writes append, reads take from the front (Go's bytes.Buffer). */
  export class Buffer implements Reader, ReaderSync, Writer, WriterSync {
    constructor(ab?: ArrayBufferLike | ArrayLike<number>);
    /** The unread bytes, copied unless `{ copy: false }` (then a view valid until the next change). */
    bytes(options?: { copy?: boolean }): Uint8Array;
    empty(): boolean;
    readonly length: number;
    readonly capacity: number;
    truncate(n: number): void;
    reset(): void;
    grow(n: number): void;
    read(p: Uint8Array): Promise<number | null>;
    readSync(p: Uint8Array): number | null;
    write(p: Uint8Array): Promise<number>;
    writeSync(p: Uint8Array): number;
    readFrom(r: Reader): Promise<number>;
    readFromSync(r: ReaderSync): number;
  }

  // ---- The file system. Each call needs read or write access to its paths; errors
  // ---- name the op and the path: `No such file or directory (os error 2), stat '/nope'`.

  export interface ReadFileOptions {
    /** Aborting it stops the read between chunks; the promise rejects with its reason. */
    signal?: AbortSignal;
  }
  export function readFile(path: string, options?: ReadFileOptions): Promise<Uint8Array>;
  export function readFileSync(path: string): Uint8Array;
  export function readTextFile(path: string, options?: ReadFileOptions): Promise<string>;
  export function readTextFileSync(path: string): string;
  export interface WriteFileOptions {
    /** Add to the end instead of replacing the content. */
    append?: boolean;
    /** Create the file if it is missing (default true). */
    create?: boolean;
    /** Permissions of a file this call creates. */
    mode?: number;
    /**
     * Aborted before the call, nothing happens; aborted while the file opens, it is
     * opened (created, or truncated) but the data is not written. The promise rejects
     * with the signal's reason.
     */
    signal?: AbortSignal;
  }
  export function writeFile(path: string, data: Uint8Array, options?: WriteFileOptions): Promise<void>;
  export function writeFileSync(path: string, data: Uint8Array, options?: WriteFileOptions): void;
  export function writeTextFile(path: string, text: string, options?: WriteFileOptions): Promise<void>;
  export function writeTextFileSync(path: string, text: string, options?: WriteFileOptions): void;
  export function stat(path: string): Promise<FileInfo>;
  export function statSync(path: string): FileInfo;
  /** As stat, but describes a symlink itself. */
  export function lstat(path: string): Promise<FileInfo>;
  export function lstatSync(path: string): FileInfo;
  export interface DirEntry {
    name: string;
    isFile: boolean;
    isDirectory: boolean;
    isSymlink: boolean;
  }
  export function readDir(path: string): AsyncIterableIterator<DirEntry>;
  export function readDirSync(path: string): DirEntry[];
  export function mkdir(path: string, options?: { recursive?: boolean; mode?: number }): Promise<void>;
  export function mkdirSync(path: string, options?: { recursive?: boolean; mode?: number }): void;
  /** Removes a file, a symlink, or an empty directory (any directory with `recursive`). */
  export function remove(path: string, options?: { recursive?: boolean }): Promise<void>;
  export function removeSync(path: string, options?: { recursive?: boolean }): void;
  export function rename(oldpath: string, newpath: string): Promise<void>;
  export function renameSync(oldpath: string, newpath: string): void;
  export function copyFile(from: string, to: string): Promise<void>;
  export function copyFileSync(from: string, to: string): void;
  export function chmod(path: string, mode: number): Promise<void>;
  export function chmodSync(path: string, mode: number): void;
  /** null leaves an id as it is. */
  export function chown(path: string, uid: number | null, gid: number | null): Promise<void>;
  export function chownSync(path: string, uid: number | null, gid: number | null): void;
  /** Creates `newpath`, a symbolic link to `oldpath`. Needs write access to `newpath`. */
  export function symlink(oldpath: string, newpath: string): Promise<void>;
  export function symlinkSync(oldpath: string, newpath: string): void;
  export function readLink(path: string): Promise<string>;
  export function readLinkSync(path: string): string;
  /** Creates `newpath`, a hard link to `oldpath`. Needs read and write access to `oldpath`, write to `newpath`. */
  export function link(oldpath: string, newpath: string): Promise<void>;
  export function linkSync(oldpath: string, newpath: string): void;
  /** Sets the file's length to `len` (default 0). */
  export function truncate(path: string, len?: number): Promise<void>;
  export function truncateSync(path: string, len?: number): void;
  export interface MakeTempOptions {
    /** Where to make it (default: the system's temporary directory). */
    dir?: string;
    prefix?: string;
    suffix?: string;
  }
  /** Makes a new directory (mode 0o700) with a unique name: its path. */
  export function makeTempDir(options?: MakeTempOptions): Promise<string>;
  export function makeTempDirSync(options?: MakeTempOptions): string;
  /** Makes a new empty file (mode 0o600) with a unique name: its path. */
  export function makeTempFile(options?: MakeTempOptions): Promise<string>;
  export function makeTempFileSync(options?: MakeTempOptions): string;
  /** The absolute path with every symlink resolved. */
  export function realPath(path: string): Promise<string>;
  export function realPathSync(path: string): string;
  /** Sets access and modification times (seconds since the epoch, or Dates). */
  export function utime(path: string, atime: number | Date, mtime: number | Date): Promise<void>;
  export function utimeSync(path: string, atime: number | Date, mtime: number | Date): void;

  // ---- Networking: TCP. Sockets are rids; their reads and writes are async only.
  // ---- Listening and connecting need net access to the host and port (--allow-net).

  export interface NetAddr {
    transport: "tcp";
    hostname: string;
    port: number;
  }
  export interface ListenOptions {
    /** Default "0.0.0.0". */
    hostname?: string;
    /** 0 picks a free port (read it from `Listener.addr`). */
    port: number;
    transport?: "tcp";
  }
  export interface ConnectOptions {
    /** Default "127.0.0.1". */
    hostname?: string;
    port: number;
    transport?: "tcp";
  }
  /** A TCP connection. Errors keep their kind: ConnectionRefused, ConnectionReset, BrokenPipe, ... */
  export interface Conn extends Reader, Writer, Closer {
    readonly rid: number;
    readonly localAddr: NetAddr;
    readonly remoteAddr: NetAddr;
    /** Shuts the sending side down: the peer reads end of stream, this side can still read. */
    closeWrite(): void;
  }
  /** A listening socket. Iterating it yields connections until it is closed. */
  export interface Listener extends AsyncIterable<Conn>, Closer {
    readonly rid: number;
    readonly addr: NetAddr;
    /** The next connection; rejects with BadResource once the listener is closed. */
    accept(): Promise<Conn>;
  }
  /** Listens on a TCP port: `Deno.listen({ port: 8000 })`, or early Deno's `Deno.listen("tcp", "127.0.0.1:8000")`. AddrInUse if the port is taken. */
  export function listen(options: ListenOptions): Listener;
  export function listen(transport: "tcp", address: string): Listener;
  /** Connects to a TCP server; ConnectionRefused if nothing listens there. */
  export function connect(options: ConnectOptions): Promise<Conn>;
  /** Early Deno's name: `Deno.dial("tcp", "127.0.0.1:8000")`. */
  export function dial(transport: "tcp", address: string): Promise<Conn>;
  export enum ShutdownMode {
    Read = 0,
    Write = 1,
    ReadWrite = 2,
  }
  /** shutdown(2) on a connection's rid. */
  export function shutdown(rid: number, how: ShutdownMode): void;

  // ---- Processes. Each call needs --allow-run. ----

  /** "inherit" (the default) shares this process's stream, "piped" makes a pipe, "null" is /dev/null. */
  export type ProcessStdio = "inherit" | "piped" | "null";
  export interface RunOptions {
    /** The program and its arguments; the program is looked up in PATH. */
    cmd?: string[];
    /** Early Deno's name of `cmd`. */
    args?: string[];
    cwd?: string;
    /** Variables to add to the inherited environment. */
    env?: Record<string, string>;
    /** A mode, or the rid of a file or standard stream to use. */
    stdin?: ProcessStdio | number;
    stdout?: ProcessStdio | number;
    stderr?: ProcessStdio | number;
  }
  /** How a child ended. Killed by a signal: `signal` is its number and `code` 128 + it. */
  export interface ProcessStatus {
    success: boolean;
    code: number;
    signal: number | null;
  }
  export class Process {
    readonly rid: number;
    readonly pid: number;
    /** The piped streams (null unless "piped"). */
    readonly stdin: File | null;
    readonly stdout: File | null;
    readonly stderr: File | null;
    /** Waits for the child to end. A child never waited for does not keep the program alive. */
    status(): Promise<ProcessStatus>;
    /** Reads the piped stdout to its end, then closes it. */
    output(): Promise<Uint8Array>;
    /** Reads the piped stderr to its end, then closes it. */
    stderrOutput(): Promise<Uint8Array>;
    /** Sends a signal (default SIGTERM). */
    kill(signo?: number | keyof typeof Signal): void;
    /** Closes the child's rid (not its streams'). */
    close(): void;
  }
  /** Starts a child process. NotFound, naming the program, if there is no such program. */
  export function run(options: RunOptions): Process;
  /** Sends a signal (a number, or a name like "SIGTERM", the default) to a process. */
  export function kill(pid: number, signo?: number | keyof typeof Signal): void;
  /** Linux's signal numbers by name: `Deno.Signal.SIGTERM` is 15. */
  export const Signal: {
    readonly SIGHUP: 1;
    readonly SIGINT: 2;
    readonly SIGQUIT: 3;
    readonly SIGILL: 4;
    readonly SIGTRAP: 5;
    readonly SIGABRT: 6;
    readonly SIGBUS: 7;
    readonly SIGFPE: 8;
    readonly SIGKILL: 9;
    readonly SIGUSR1: 10;
    readonly SIGSEGV: 11;
    readonly SIGUSR2: 12;
    readonly SIGPIPE: 13;
    readonly SIGALRM: 14;
    readonly SIGTERM: 15;
    readonly SIGSTKFLT: 16;
    readonly SIGCHLD: 17;
    readonly SIGCONT: 18;
    readonly SIGSTOP: 19;
    readonly SIGTSTP: 20;
    readonly SIGTTIN: 21;
    readonly SIGTTOU: 22;
    readonly SIGURG: 23;
    readonly SIGXCPU: 24;
    readonly SIGXFSZ: 25;
    readonly SIGVTALRM: 26;
    readonly SIGPROF: 27;
    readonly SIGWINCH: 28;
    readonly SIGIO: 29;
    readonly SIGPWR: 30;
    readonly SIGSYS: 31;
  };

  /** The tutorial's API: resolves to 42, computed in TypeScript without an op. */
  export function myNumber(): Promise<number>;
  /** The process id, from a sync op (the tutorial's). */
  export function myPid(): number;
  /** The first IPv4 address of `hostname`, from an async op on the blocking pool. Needs net access to the host. */
  export function resolve(hostname: string): Promise<string>;
  /** Ends the process with `code` (a 32-bit integer, default 0); in an embedder's runtime, only the script. */
  export function exit(code?: number): never;
  /**
   * Traffic through the one door since start (this call included, but not its reply's
   * bytes), in total and per op: `ops` has an entry for each op called at least once,
   * by its schema name (`ops.MyPid.count`). Bytes in are control + zero-copy bytes.
   */
  export function metrics(): {
    opsDispatched: number;
    opsCompleted: number;
    bytesSentControl: number;
    bytesSentData: number;
    bytesReceived: number;
    ops: Record<string, { count: number; errors: number; bytesIn: number; bytesOut: number }>;
  };
  /** Benchmark ops: the door's own cost, sync and async (Noop has no result). */
  export function noop(): void;
  export function noopAsync(): Promise<void>;
  /** Benchmark ops: `data` in through the zero-copy buffer, a copy back in the reply. */
  export function echo(data: ArrayBufferView): Uint8Array;
  export function echoAsync(data: ArrayBufferView): Promise<Uint8Array>;
  /** How `inspect` lays a value out. */
  export interface InspectOptions {
    /** How deep nested objects are shown (default 4); deeper ones as `[Object]`. */
    depth?: number;
    /** How many inner levels may share one line (default 3); false: each entry on its own line. */
    compact?: boolean | number;
    /** Object keys in sorted order. */
    sorted?: boolean;
    /** Getters shown with their value (`[Getter: 1]`) instead of `[Getter]`. */
    getters?: boolean;
    /** ANSI colors, as on a terminal. */
    colors?: boolean;
  }
  /**
   * Formats a value the way console.log does (a string as it is). An object with a
   * method `[Symbol.for("Deno.customInspect")](inspect, options)` prints as the string
   * it returns.
   */
  export function inspect(value: unknown, options?: InspectOptions): string;
  /**
   * The functions the embedder offers (`minideno::host::HostFunctions`), by name; none in
   * the CLI. A call's arguments and result cross as JSON; an async function returns a
   * promise. What a function fails with is thrown (an `Error` naming the function).
   */
  export const host: { readonly [name: string]: (...args: any[]) => any };
  /**
   * Makes the timer `id` (from setTimeout or setInterval) no longer keep the event loop
   * alive: the program may end while it is pending. An unknown id is ignored.
   */
  export function unrefTimer(id: number): void;
  /** Makes the timer `id` keep the event loop alive again (as every timer starts). */
  export function refTimer(id: number): void;

  /** Why an op failed, as the Rust side reported it (the schema's ErrorKind; members
   * carry their values, as ambient enum members without one would not be constants). */
  export enum ErrorKind {
    NoError = 0,
    NotFound = 1,
    PermissionDenied = 2,
    ConnectionRefused = 3,
    ConnectionReset = 4,
    ConnectionAborted = 5,
    NotConnected = 6,
    AddrInUse = 7,
    AddrNotAvailable = 8,
    BrokenPipe = 9,
    AlreadyExists = 10,
    WouldBlock = 11,
    InvalidInput = 12,
    InvalidData = 13,
    TimedOut = 14,
    Interrupted = 15,
    WriteZero = 16,
    UnexpectedEof = 17,
    BadResource = 18,
    OpNotAvailable = 19,
    InvalidUri = 20,
    InvalidPath = 21,
    Other = 22,
    IsADirectory = 23,
    NotADirectory = 24,
    DirectoryNotEmpty = 25,
    HostUnreachable = 26,
    NetworkUnreachable = 27,
    NetworkDown = 28,
    ReadOnlyFilesystem = 29,
    StaleNetworkFileHandle = 30,
    StorageFull = 31,
    NotSeekable = 32,
    QuotaExceeded = 33,
    FileTooLarge = 34,
    ResourceBusy = 35,
    ExecutableFileBusy = 36,
    Deadlock = 37,
    CrossesDevices = 38,
    TooManyLinks = 39,
    InvalidFilename = 40,
    ArgumentListTooLong = 41,
    Unsupported = 42,
    OutOfMemory = 43,
  }

  export class DenoError<T extends ErrorKind> extends Error {
    readonly kind: T;
    constructor(kind: T, message: string);
  }

  /** The native door. Everything above is built on it. */
  export const core: {
    /**
     * Sends a `Base` message (schema/msg.fbs), the bytes of `control`, with an
     * optional zero-copy buffer. Returns a sync op's reply as its length in bytes at
     * the start of `shared` (valid until the next dispatch; a reply too big for
     * `shared` comes as a Uint8Array of its own), or 0: an op without a result, or an
     * async request, whose reply comes to the `recv` callback. Throws a TypeError for a
     * message that is not a request, an async cmd_id already in flight, or a view past
     * the end of its buffer (detached or shrunk). A `control` given as a Uint32Array
     * (the message padded to whole words) takes V8's fast API call from optimized
     * code: the cheapest way through the door.
     */
    dispatch(control: ArrayBufferView, zeroCopy?: ArrayBufferView): number | Uint8Array;
    /** Another name for `dispatch`. */
    send(control: ArrayBufferView, zeroCopy?: ArrayBufferView): number | Uint8Array;
    /** Registers the callback that receives async replies, in batches of size-prefixed `Base` messages. */
    recv(cb: (replies: Uint8Array) => void): void;
    /** Where sync replies are written. */
    shared: ArrayBuffer;
    /**
     * V8's structured clone of `value`, as bytes (what `postMessage` sends): Maps, Sets,
     * Dates, RegExps, typed arrays, errors and cycles survive; a function or a symbol
     * throws a DataCloneError.
     */
    serialize(value: unknown): Uint8Array;
    /** A new copy of the value `serialize` made `bytes` of. */
    deserialize(bytes: ArrayBufferView): unknown;
    /** Detaches an ArrayBuffer (what a transfer does to the sender's side); a TypeError if it cannot be. */
    detach(buffer: ArrayBuffer): void;
    /** `text` in UTF-8 (lone surrogates as U+FFFD): early Deno's `core.encode`. */
    encodeUtf8(text: string): Uint8Array;
    /** UTF-8 `bytes` as a string (malformed sequences as U+FFFD, or with `fatal` a TypeError): early Deno's `core.decode`. */
    decodeUtf8(bytes: ArrayBufferView, fatal?: boolean): string;
    /** The string whose chars have the bytes' codes (a "binary string", as atob makes). */
    decodeLatin1(bytes: ArrayBufferView): string;
    /** The string of UTF-16 code units. */
    decodeUtf16(units: Uint16Array): string;
    /** `fn(promise, reason)` is offered each promise rejected with no handler, after each turn; returning true handles it (the `unhandledrejection` event is built on it). */
    setUnhandledRejection(fn: (promise: Promise<unknown>, reason: unknown) => boolean): void;
    /** `fn("load")` once the main module has run, `fn("beforeunload")` (true: canceled) and `fn("unload")` when nothing is left. */
    setLifecycle(fn: (event: "load" | "beforeunload" | "unload") => boolean): void;
    /** Ends the run with `error` as an uncaught error, once the current turn is done (`reportError` is built on it). */
    reportUncaught(error: unknown): void;
    /**
     * The `Base` message (cmd_id 0, async) that the generated encoder of the request
     * table `request` (schema/msg.fbs, e.g. "Open") writes for `fields`, given in
     * schema order: to study the bytes, or to send them with `dispatch`.
     */
    encode(request: string, ...fields: unknown[]): Uint8Array;
    /**
     * The bench ops (sync) in each request encoding the door takes, to compare what
     * each costs (benches/dispatch.rs): FlatBuffers written by the generated encoders
     * (what every op uses), FlatBuffers made with the generic `flatbuffers.Builder`,
     * minimal int32 records (`[0xCAFE, 0, op, rid]`, as read and write use) and JSON
     * (`{"op":"MyPid"}`). `echo` is null where the encoding cannot carry bytes back.
     */
    encodings: Record<"flatbuffers" | "builder" | "minimal" | "json", {
      noop(): void;
      myPid(): number;
      echo: ((data: ArrayBufferView) => Uint8Array) | null;
    }>;
    /**
     * Runs the tests `Deno.test` registered (what `minideno test` calls once the test
     * modules have loaded): those whose name contains `filter` (or matches it, written
     * `/regex/`), or only the ones marked `only` if any is. Prints `test NAME ... ok
     * (Nms)`, `FAILED` or `ignored` per test, each failure with its stack, and the
     * counts; resolves to them.
     */
    runTests(options?: { filter?: string }): Promise<TestSummary>;
  };

  /** A test for `Deno.test`. */
  export interface TestDefinition {
    name: string;
    /** The test: it fails if it throws or its promise rejects. */
    fn: () => void | Promise<void>;
    /** Skip it (reported as ignored). */
    ignore?: boolean;
    /** Run only the tests marked `only`. */
    only?: boolean;
  }

  /** What `Deno.core.runTests` counted. */
  export interface TestSummary {
    passed: number;
    failed: number;
    ignored: number;
    /** Left out by the filter or by `only`. */
    filtered: number;
  }

  /**
   * Registers a test for `minideno test`, which runs every test its files register,
   * in order, and fails if one throws or rejects:
   * `Deno.test("adds", () => { ... })`, `Deno.test(function adds() { ... })` or
   * `Deno.test({ name, fn, ignore, only })`. In `minideno run` it only registers.
   */
  export function test(name: string, fn: TestDefinition["fn"]): void;
  export function test(fn: TestDefinition["fn"]): void;
  export function test(def: TestDefinition): void;
}
