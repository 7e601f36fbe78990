//! The one door between JavaScript and the op set: `Deno.core.dispatch(control,
//! zeroCopy?)` (with its fast path for optimized code) hands the bytes to the isolate's
//! [`Dispatch`] and hands back its sync reply through `Deno.core.shared` (or a buffer
//! of its own), its async reply later through the callback `Deno.core.recv`
//! registered. The door knows no op and no schema: bytes cross it.
use std::ffi::c_void;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, OnceLock};

use futures_util::stream::FuturesUnordered;
use v8::fast_api::{
    CFunction, CFunctionInfo, CTypeInfo, FastApiCallbackOptions, FastApiTypedArray,
};

use crate::limits::{owned_buffer, Budget};

/// The op set an isolate runs: what `Deno.core.dispatch` hands every message to.
pub trait Dispatch {
    /// Runs one request. A sync reply goes to `sync_reply` at once (the glue copies a
    /// slice into `Deno.core.shared`, or gives JS a buffer it is given as its own); an
    /// async request returns the future of its reply, which the event
    /// loop drives and delivers to the `Deno.core.recv` callback. Err: the message is
    /// not a request at all, and the door throws a TypeError with this message.
    fn dispatch(
        &self,
        control: &[u8],
        zero_copy: Option<ZeroCopyBuf>,
        sync_reply: &mut dyn FnMut(ReplyData),
    ) -> Result<Option<AsyncReply>, String>;

    /// The event loop starts a turn (an op set may budget per turn what it answers at
    /// dispatch).
    fn turn(&self) {}

    /// How many of the async ops in flight do not keep the event loop alive (such as an
    /// unref'd timer): the loop ends when only these are left.
    fn unrefed(&self) -> usize {
        0
    }
}

/// A reply's bytes as an op set hands them over: a slice (a sync reply is copied into
/// `Deno.core.shared`), or a buffer given away, whose bytes from the index on are the
/// reply: a sync one becomes its own ArrayBuffer as it is, with no copy (a big reply).
pub enum ReplyData<'a> {
    Slice(&'a [u8]),
    Owned(Vec<u8>, usize),
}

impl ReplyData<'_> {
    pub fn bytes(&self) -> &[u8] {
        match self {
            ReplyData::Slice(bytes) => bytes,
            ReplyData::Owned(vec, start) => &vec[*start..],
        }
    }
}

/// An async op's reply: a size-prefixed message, delivered back to back with the
/// other replies of its event-loop turn.
pub type AsyncReply = Pin<Box<dyn Future<Output = ReplyBytes>>>;

/// A reply's bytes: small ones (a minimal reply, most FlatBuffers ones) inline, with no
/// allocation of their own.
pub type ReplyBytes = smallvec::SmallVec<[u8; 32]>;

/// The bytes of a JS ArrayBufferView, held by their backing store: an async op may
/// keep it (and send it to the blocking pool) after the call, with no copy. JS can
/// still see the bytes meanwhile, as in Deno.
pub struct ZeroCopyBuf {
    store: v8::SharedRef<v8::BackingStore>,
    offset: usize,
    len: usize,
}

// SAFETY: the store's reference count is atomic (a std::shared_ptr) and its memory is
// plain bytes; V8 never frees it while this reference lives.
unsafe impl Send for ZeroCopyBuf {}

impl ZeroCopyBuf {
    /// The view's bytes, with every length read from V8 now: a view past the end of a
    /// shrunk resizable buffer, or over a detached one, is refused.
    pub(crate) fn from_view(
        scope: &mut v8::HandleScope,
        view: v8::Local<v8::ArrayBufferView>,
    ) -> Result<Self, &'static str> {
        let (offset, len) = (view.byte_offset(), view.byte_length());
        let buffer = view.buffer(scope).ok_or("its buffer is gone")?;
        let store = buffer.get_backing_store();
        let available = buffer.byte_length().min(store.byte_length());
        match offset.checked_add(len) {
            Some(end) if end <= available && (len == 0 || store.data().is_some()) => {
                Ok(ZeroCopyBuf { store, offset, len })
            }
            _ => Err("the view reaches past its buffer (detached or shrunk)"),
        }
    }

    /// A buffer of its own holding `bytes` (for tests and embedders).
    pub fn from_vec(bytes: Vec<u8>) -> Self {
        let len = bytes.len();
        let store = v8::ArrayBuffer::new_backing_store_from_vec(bytes).make_shared();
        ZeroCopyBuf {
            store,
            offset: 0,
            len,
        }
    }

    fn ptr(&self) -> *mut u8 {
        match self.store.data() {
            // SAFETY: from_view checked offset + len against the store's length.
            Some(data) => unsafe { (data.as_ptr() as *mut u8).add(self.offset) },
            None => std::ptr::NonNull::dangling().as_ptr(),
        }
    }
}

/// Tests keep a second reference to see what an op wrote into the buffer, as JS would
/// (the `testing` feature, for an op set's own tests: two owners of the same bytes).
#[cfg(any(test, feature = "testing"))]
impl Clone for ZeroCopyBuf {
    fn clone(&self) -> Self {
        ZeroCopyBuf {
            store: self.store.clone(),
            ..*self
        }
    }
}

impl std::ops::Deref for ZeroCopyBuf {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        // SAFETY: the store lives as long as self; see ptr().
        unsafe { std::slice::from_raw_parts(self.ptr(), self.len) }
    }
}

impl std::ops::DerefMut for ZeroCopyBuf {
    fn deref_mut(&mut self) -> &mut [u8] {
        // SAFETY: as above.
        unsafe { std::slice::from_raw_parts_mut(self.ptr(), self.len) }
    }
}

/// A buffer shared with JS that replies are copied into and handed over as a view, so
/// that no ArrayBuffer is made per reply: `Deno.core.shared` for sync replies (valid
/// until the next dispatch), `Deno.core.sharedAsync` for batches of async replies
/// (valid during the `Deno.core.recv` callback).
pub(crate) struct SharedReply {
    /// Kept alive here even if JS detaches the buffer, so `data` stays valid.
    _store: v8::SharedRef<v8::BackingStore>,
    data: *mut u8,
    size: usize,
    buffer: v8::Global<v8::ArrayBuffer>,
}

impl SharedReply {
    fn new(scope: &mut v8::HandleScope, size: usize) -> Self {
        let store = v8::ArrayBuffer::new_backing_store_from_vec(vec![0; size]).make_shared();
        let data = store
            .data()
            .expect("a buffer of SHARED_*_SIZE bytes")
            .as_ptr() as *mut u8;
        let buffer = v8::ArrayBuffer::with_backing_store(scope, &store);
        let buffer = v8::Global::new(scope, buffer);
        SharedReply {
            _store: store,
            data,
            size,
            buffer,
        }
    }

    /// Copies `bytes` to the start of the buffer; false if they do not fit.
    pub(crate) fn write(&self, bytes: &[u8]) -> bool {
        if bytes.len() > self.size {
            return false;
        }
        // SAFETY: the store (which owns the vec's memory) holds `size` bytes and lives
        // as long as self; JS reads them only once this (its only thread) hands it the
        // length or a view.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), self.data, bytes.len()) };
        true
    }

    /// A view of the first `len` bytes; None if JS detached the buffer.
    pub(crate) fn view<'s>(
        &self,
        scope: &mut v8::HandleScope<'s>,
        len: usize,
    ) -> Option<v8::Local<'s, v8::Uint8Array>> {
        let buffer = v8::Local::new(scope, &self.buffer);
        if buffer.byte_length() < len {
            return None;
        }
        v8::Uint8Array::new(scope, buffer, 0, len)
    }

    fn local<'s>(&self, scope: &mut v8::HandleScope<'s>) -> v8::Local<'s, v8::ArrayBuffer> {
        v8::Local::new(scope, &self.buffer)
    }
}

/// The door's side of an isolate, in its slot.
pub(crate) struct Door {
    dispatcher: Rc<dyn Dispatch>,
    /// Async ops in flight.
    pub(crate) pending: FuturesUnordered<AsyncReply>,
    /// The callback `Deno.core.recv(cb)` registered for async replies.
    pub(crate) recv: Option<v8::Global<v8::Function>>,
    shared: SharedReply,
    pub(crate) shared_async: Rc<SharedReply>,
    /// What the door's fast path left for the slow one to hand over (see fast_dispatch).
    held: Option<Answer>,
    /// Calls that took the door's fast path.
    pub(crate) fast_calls: u64,
    /// The door's copy of the control buffer being dispatched (reused).
    control: Vec<u8>,
    /// What the buffers made for the script count against (None: no limit).
    budget: Option<Arc<Budget>>,
}

impl Door {
    pub(crate) fn turn(&self) {
        self.dispatcher.turn();
    }

    /// Whether an async op in flight keeps the event loop alive.
    pub(crate) fn busy(&self) -> bool {
        self.pending.len() > self.dispatcher.unrefed()
    }
}

/// The isolate's door.
pub(crate) fn door_of(isolate: &mut v8::Isolate) -> &mut Door {
    isolate
        .get_slot_mut::<Door>()
        .expect("an isolate made by Isolate::new")
}

/// Puts the door in the isolate's slot and the bindings of `Deno.core` that go through
/// it (`dispatch`, its old name `send`, `recv`, `shared`, `sharedAsync`) on `core`.
pub(crate) fn install(
    scope: &mut v8::HandleScope,
    core: v8::Local<v8::Object>,
    dispatcher: Rc<dyn Dispatch>,
    budget: Option<Arc<Budget>>,
) {
    let shared = SharedReply::new(scope, SHARED_REPLY_SIZE);
    let shared_async = SharedReply::new(scope, SHARED_BATCH_SIZE);
    let (shared_ab, shared_async_ab) = (shared.local(scope), shared_async.local(scope));
    scope.set_slot(Door {
        dispatcher,
        pending: FuturesUnordered::new(),
        recv: None,
        shared,
        shared_async: Rc::new(shared_async),
        held: None,
        fast_calls: 0,
        control: Vec::with_capacity(SMALL_CONTROL),
        budget,
    });
    // The fast path finds the door through its data (the slot's box does not move).
    let door: *mut Door = door_of(scope);
    let door = v8::External::new(scope, door as *mut c_void);
    let dispatch = v8::FunctionTemplate::builder(dispatch)
        .data(door.into())
        .constructor_behavior(v8::ConstructorBehavior::Throw)
        .build_fast(scope, &fast_dispatch_overloads())
        .get_function(scope)
        .unwrap();
    let recv = v8::Function::new(scope, recv).unwrap();
    let members = [
        ("dispatch", dispatch.into()),
        ("send", dispatch.into()),
        ("recv", recv.into()),
        ("shared", shared_ab.into()),
        ("sharedAsync", shared_async_ab.into()),
    ];
    for (name, value) in members {
        let key = v8::String::new(scope, name).unwrap();
        core.set(scope, key.into(), value);
    }
}

/// Control buffers up to this size are copied out of V8 rather than borrowed.
const SMALL_CONTROL: usize = 64;

/// Sync replies longer than this get an ArrayBuffer of their own.
const SHARED_REPLY_SIZE: usize = 128 * 1024;

/// Batches of async replies longer than this get an ArrayBuffer of their own.
pub(crate) const SHARED_BATCH_SIZE: usize = 64 * 1024;

pub(crate) fn throw_type_error(scope: &mut v8::HandleScope, text: &str) {
    let e = type_error(scope, text);
    scope.throw_exception(e);
}

fn type_error<'s>(scope: &mut v8::HandleScope<'s>, text: &str) -> v8::Local<'s, v8::Value> {
    let text = v8::String::new(scope, text).unwrap();
    v8::Exception::type_error(scope, text)
}

/// What one message through the door comes to.
enum Answer {
    /// A sync reply's length at the start of `Deno.core.shared`; 0: no sync reply (an
    /// async request, whose reply comes to `recv`, or a sync op with nothing to say).
    Len(u32),
    /// A sync reply too big for the shared buffer: these bytes from the index on.
    Own(Vec<u8>, usize),
    /// Not a request at all, or not a message: why, for a TypeError.
    Refused(String),
}

/// Hands `control` to the op set; a sync reply is copied into `Deno.core.shared`, an
/// async one's future joins the event loop's.
fn door(st: &mut Door, control: &[u8], zero_copy: Option<ZeroCopyBuf>) -> Answer {
    // The op set reads a copy: the bytes it verifies are the bytes it uses, whatever
    // happens to the script's memory meanwhile (a pool thread may be writing an
    // earlier async op's zero-copy buffer that shares the control's ArrayBuffer).
    st.control.clear();
    st.control.extend_from_slice(control);
    let (shared, control) = (&st.shared, &st.control[..]);
    let mut answer = Answer::Len(0);
    let result = st.dispatcher.dispatch(control, zero_copy, &mut |data| {
        answer = match data {
            ReplyData::Slice(bytes) if shared.write(bytes) => Answer::Len(bytes.len() as u32),
            ReplyData::Slice(bytes) => Answer::Own(bytes.to_vec(), 0),
            ReplyData::Owned(vec, start) => Answer::Own(vec, start),
        }
    });
    match result {
        Ok(None) => answer,
        Ok(Some(pending)) => {
            st.pending.push(pending);
            Answer::Len(0)
        }
        Err(e) => Answer::Refused(e),
    }
}

/// The one door, `dispatch(control: ArrayBufferView, zeroCopy?: ArrayBufferView)`.
/// Returns a sync reply's length in `Deno.core.shared` (a Uint8Array of its own if too
/// big for it), or 0: no sync reply; or the TypeError of a refusal, which
/// `Deno.core.dispatch` (js/dispatch.ts) throws. It never throws itself: V8 10.2 loses
/// an exception thrown by the slow call after a fast API call (no handler in the same
/// optimized code sees it). Optimized code calls `fast_dispatch` instead when the
/// control is a Uint32Array (as the userland's requests are).
fn dispatch(
    scope: &mut v8::HandleScope,
    args: v8::FunctionCallbackArguments,
    mut rv: v8::ReturnValue,
) {
    // The fast path ran this very call and left what only this path can hand over.
    let answer = match door_of(scope).held.take() {
        Some(held) => held,
        None => read_and_send(scope, &args).unwrap_or_else(Answer::Refused),
    };
    let value = match answer {
        // Its length: JS reads it in place, with no view made per reply.
        Answer::Len(len) => v8::Integer::new_from_unsigned(scope, len).into(),
        Answer::Own(bytes, start) => match uint8_array(scope, bytes, start) {
            Some(reply) => reply.into(),
            None => no_room(scope),
        },
        Answer::Refused(why) => type_error(scope, &format!("Deno.core.dispatch: {why}")),
    };
    rv.set(value);
}

/// The slow path's arguments, checked, through the door.
fn read_and_send(
    scope: &mut v8::HandleScope,
    args: &v8::FunctionCallbackArguments,
) -> Result<Answer, String> {
    let control = v8::Local::<v8::ArrayBufferView>::try_from(args.get(0))
        .map_err(|_| "control must be an ArrayBufferView".to_string())?;
    // A small control buffer is copied out (cheaper than holding its backing store, as
    // a borrow must), once its buffer's current length is known to cover it (a view of
    // a shrunk resizable buffer still reports its old length); else from_view decides.
    let mut small = [0u8; SMALL_CONTROL];
    let (offset, len) = (control.byte_offset(), control.byte_length());
    let in_bounds = |ab: v8::Local<v8::ArrayBuffer>| offset + len <= ab.byte_length();
    let copied = len <= SMALL_CONTROL
        && control.buffer(scope).is_some_and(in_bounds)
        && control.copy_contents(&mut small) == len;
    let borrowed;
    let control: &[u8] = if copied {
        &small[..len]
    } else {
        borrowed =
            ZeroCopyBuf::from_view(scope, control).map_err(|why| format!("control: {why}"))?;
        &borrowed
    };
    let zero_copy = args.get(1);
    let zero_copy = if zero_copy.is_null_or_undefined() {
        None
    } else {
        let view = v8::Local::<v8::ArrayBufferView>::try_from(zero_copy)
            .map_err(|_| "zeroCopy must be an ArrayBufferView".to_string())?;
        Some(ZeroCopyBuf::from_view(scope, view).map_err(|why| format!("zeroCopy: {why}"))?)
    };
    Ok(door(door_of(scope), control, zero_copy))
}

/// `Deno.core.dispatch(control)` from optimized code, with V8's fast API: no callback
/// scope, no arguments object, the control's bytes given. An answer only V8 can make
/// into a value (a refusal's TypeError, an ArrayBuffer for a reply too big for
/// `Deno.core.shared`) is held for the slow path, which V8 calls next with the same
/// arguments (`fallback`): the op is not run twice.
extern "C" fn fast_dispatch(
    _receiver: &v8::Value,
    control: &FastApiTypedArray<u32>,
    options: &mut FastApiCallbackOptions,
) -> u32 {
    // SAFETY: the template's data is an External of the isolate's Door (install), which
    // lives in the isolate's slot as long as the isolate; JS runs only here.
    let st = unsafe { &mut *(options.data_external() as *mut Door) };
    st.fast_calls += 1;
    match door(st, control.bytes(), None) {
        Answer::Len(len) => len,
        held => {
            st.held = Some(held);
            options.fallback = true;
            0
        }
    }
}

/// `Deno.core.dispatch(control, zeroCopy)` from optimized code: the fast path when
/// `zeroCopy` is null or undefined; a buffer is left to the slow path (which borrows it
/// with its backing store), before anything is done.
extern "C" fn fast_dispatch_zero_copy(
    receiver: &v8::Value,
    control: &FastApiTypedArray<u32>,
    zero_copy: &v8::Value,
    options: &mut FastApiCallbackOptions,
) -> u32 {
    if !zero_copy.is_null_or_undefined() {
        options.fallback = true;
        return 0;
    }
    fast_dispatch(receiver, control, options)
}

/// The fast overloads of `Deno.core.dispatch`, for one and for two arguments (V8 picks
/// by the call's arity, so the one-argument overload never drops a zeroCopy).
fn fast_dispatch_overloads() -> [CFunction; 2] {
    use v8::fast_api::{CType, SequenceType};
    const VALUE: CTypeInfo = CTypeInfo::scalar(CType::V8Value);
    const WORDS: CTypeInfo = CTypeInfo::new(CType::Uint32, SequenceType::IsTypedArray);
    const OPTIONS: CTypeInfo = CTypeInfo::scalar(CType::CallbackOptions);
    static ONE: [CTypeInfo; 3] = [VALUE, WORDS, OPTIONS];
    static TWO: [CTypeInfo; 4] = [VALUE, WORDS, VALUE, OPTIONS];
    static INFO: OnceLock<[&CFunctionInfo; 2]> = OnceLock::new();
    let [one, two] = *INFO.get_or_init(|| {
        let ret = CTypeInfo::scalar(CType::Uint32);
        [CFunctionInfo::new(ret, &ONE), CFunctionInfo::new(ret, &TWO)]
    });
    [
        CFunction::new(fast_dispatch as *const c_void, one),
        CFunction::new(fast_dispatch_zero_copy as *const c_void, two),
    ]
}

/// `Deno.core.recv(cb)`: registers the one callback that receives async replies.
fn recv(scope: &mut v8::HandleScope, args: v8::FunctionCallbackArguments, _rv: v8::ReturnValue) {
    let Ok(cb) = v8::Local::<v8::Function>::try_from(args.get(0)) else {
        return throw_type_error(scope, "Deno.core.recv: callback must be a function");
    };
    let cb = v8::Global::new(scope, cb);
    door_of(scope).recv = Some(cb);
}

/// A new Uint8Array of `bytes` from `start` on, over an ArrayBuffer that owns them,
/// counted against the isolate's ArrayBuffer budget. None: it does not fit.
pub(crate) fn uint8_array<'s>(
    scope: &mut v8::HandleScope<'s>,
    bytes: Vec<u8>,
    start: usize,
) -> Option<v8::Local<'s, v8::Uint8Array>> {
    let len = bytes.len() - start;
    let store = owned_buffer(bytes, door_of(scope).budget.as_ref())?.make_shared();
    let ab = v8::ArrayBuffer::with_backing_store(scope, &store);
    v8::Uint8Array::new(scope, ab, start, len)
}

/// The RangeError V8 gives when an ArrayBuffer does not fit.
fn no_room<'s>(scope: &mut v8::HandleScope<'s>) -> v8::Local<'s, v8::Value> {
    let text = v8::String::new(scope, "Array buffer allocation failed").unwrap();
    v8::Exception::range_error(scope, text)
}

/// Returns a new Uint8Array of `bytes` (see `uint8_array`), or throws the RangeError of
/// an ArrayBuffer that does not fit.
pub(crate) fn return_bytes(scope: &mut v8::HandleScope, mut rv: v8::ReturnValue, bytes: Vec<u8>) {
    match uint8_array(scope, bytes, 0) {
        Some(array) => rv.set(array.into()),
        None => {
            let e = no_room(scope);
            scope.throw_exception(e);
        }
    }
}

/// The bytes of `arg`, a binding's argument that must be an ArrayBufferView; None: not
/// one (or one past the end of its buffer), and a TypeError naming the binding `what`
/// is thrown.
pub(crate) fn bytes_arg(
    scope: &mut v8::HandleScope,
    arg: v8::Local<v8::Value>,
    what: &str,
) -> Option<ZeroCopyBuf> {
    let bytes = v8::Local::<v8::ArrayBufferView>::try_from(arg)
        .map_err(|_| "bytes must be an ArrayBufferView")
        .and_then(|view| ZeroCopyBuf::from_view(scope, view));
    bytes
        .map_err(|why| throw_type_error(scope, &format!("{what}: {why}")))
        .ok()
}
