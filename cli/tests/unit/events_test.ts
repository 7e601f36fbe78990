// Event, EventTarget and the event classes (WHATWG DOM §2): phases along a parent
// chain, once / passive / signal / handleEvent, listeners removed or added during a
// dispatch, errors in listeners, the global object as a target. `minideno test -A tests/unit`.
import { assert, assertEquals, assertThrows } from "../testdata/check.ts";

Deno.test("an event's defaults, its constructor's checks and its getters", async () => {
  const e = new Event("x");
  assertEquals([e.type, e.bubbles, e.cancelable, e.composed, e.eventPhase, e.defaultPrevented, e.isTrusted], ["x", false, false, false, 0, false, false]);
  assertEquals([e.target, e.currentTarget, e.srcElement, e.returnValue, e.cancelBubble], [null, null, null, true, false]);
  assert(e.timeStamp >= 0 && e.timeStamp < 600_000, `timeStamp ${e.timeStamp} is since the time origin`);
  assertEquals([Event.NONE, Event.CAPTURING_PHASE, Event.AT_TARGET, Event.BUBBLING_PHASE], [0, 1, 2, 3]);
  await assertThrows(() => new (Event as unknown as new () => Event)(), TypeError);
  await assertThrows(() => new Event("x", 5 as unknown as EventInit), TypeError);
  assertEquals(new Event(1 as unknown as string).type, "1");
  // preventDefault does nothing to an event that is not cancelable.
  e.preventDefault();
  assertEquals(e.defaultPrevented, false);
});

Deno.test("listeners run in order, once each, with this and currentTarget set", () => {
  const t = new EventTarget();
  const seen: string[] = [];
  const f = function (this: unknown, e: Event) {
    seen.push(`f:${this === t}:${e.currentTarget === t}:${e.eventPhase}`);
  };
  t.addEventListener("x", f);
  t.addEventListener("x", f); // the same listener twice: once
  t.addEventListener("x", { handleEvent: (e) => seen.push(`obj:${e.target === t}`) });
  t.addEventListener("x", () => seen.push("once"), { once: true });
  t.addEventListener("x", null);
  assertEquals(t.dispatchEvent(new Event("x")), true);
  t.dispatchEvent(new Event("x"));
  assertEquals(seen, ["f:true:true:2", "obj:true", "once", "f:true:true:2", "obj:true"]);
  t.removeEventListener("x", f);
  t.removeEventListener("x", f, true); // no capture listener: nothing happens
  seen.length = 0;
  t.dispatchEvent(new Event("x"));
  assertEquals(seen, ["obj:true"]);
});

Deno.test("capture and non-capture listeners are separate registrations", () => {
  const t = new EventTarget();
  let n = 0;
  const f = () => n++;
  t.addEventListener("x", f, true);
  t.addEventListener("x", f, { capture: false });
  t.dispatchEvent(new Event("x"));
  assertEquals(n, 2);
  t.removeEventListener("x", f, { capture: true });
  t.dispatchEvent(new Event("x"));
  assertEquals(n, 3);
});

Deno.test("a listener removed during a dispatch is not called; one added is not called either", () => {
  const t = new EventTarget();
  const seen: string[] = [];
  const b = () => seen.push("b");
  const late = () => seen.push("late");
  t.addEventListener("x", () => {
    seen.push("a");
    t.removeEventListener("x", b);
    t.addEventListener("x", late);
  });
  t.addEventListener("x", b);
  t.dispatchEvent(new Event("x"));
  assertEquals(seen, ["a"]);
  t.dispatchEvent(new Event("x"));
  assertEquals(seen, ["a", "a", "late"]);
});

Deno.test("re-entrant dispatch: a listener may dispatch another event, but not the same one", async () => {
  const t = new EventTarget();
  const seen: string[] = [];
  let inner: unknown;
  t.addEventListener("outer", (e) => {
    seen.push("outer");
    t.dispatchEvent(new Event("inner"));
    try {
      t.dispatchEvent(e);
    } catch (err) {
      inner = err;
    }
  });
  t.addEventListener("inner", () => seen.push("inner"));
  t.dispatchEvent(new Event("outer"));
  assertEquals(seen, ["outer", "inner"]);
  await assertThrows(() => {
    throw inner;
  }, DOMException, "InvalidStateError");
});

Deno.test("preventDefault: cancelable events only, never from a passive listener", () => {
  const t = new EventTarget();
  t.addEventListener("p", (e) => e.preventDefault(), { passive: true });
  assertEquals(t.dispatchEvent(new Event("p", { cancelable: true })), true);
  t.addEventListener("c", (e) => e.preventDefault());
  const e = new Event("c", { cancelable: true });
  assertEquals(t.dispatchEvent(e), false);
  assertEquals([e.defaultPrevented, e.returnValue], [true, false]);
  // After the dispatch: no target path, phase NONE, but the target stays.
  assertEquals([e.eventPhase, e.currentTarget, e.target === t, e.composedPath()], [0, null, true, []]);
});

Deno.test("stopImmediatePropagation stops the other listeners of the same target", () => {
  const t = new EventTarget();
  const seen: number[] = [];
  t.addEventListener("x", (e) => {
    seen.push(1);
    e.stopImmediatePropagation();
  });
  t.addEventListener("x", () => seen.push(2));
  t.dispatchEvent(new Event("x"));
  assertEquals(seen, [1]);
});

Deno.test("a signal removes its listener when it aborts, and an aborted one adds nothing", () => {
  const t = new EventTarget();
  const c = new AbortController();
  let n = 0;
  t.addEventListener("x", () => n++, { signal: c.signal });
  t.dispatchEvent(new Event("x"));
  c.abort();
  t.dispatchEvent(new Event("x"));
  t.addEventListener("x", () => n++, { signal: AbortSignal.abort() });
  t.dispatchEvent(new Event("x"));
  assertEquals(n, 1);
});

Deno.test("bad arguments are TypeErrors", async () => {
  const t = new EventTarget();
  await assertThrows(() => t.dispatchEvent({ type: "x" } as Event), TypeError);
  await assertThrows(() => t.addEventListener("x", 5 as unknown as EventListener), TypeError);
  await assertThrows(() => (t.addEventListener as (type: string) => void)("x"), TypeError);
});

Deno.test("a listener that throws does not stop the dispatch; the error goes to the global error event", () => {
  const t = new EventTarget();
  const seen: unknown[] = [];
  const onError = (e: Event) => {
    const ev = e as ErrorEvent;
    seen.push(ev.error, ev.message);
    ev.preventDefault(); // handled: the program goes on
  };
  addEventListener("error", onError);
  t.addEventListener("x", () => {
    throw new RangeError("boom");
  });
  t.addEventListener("x", () => seen.push("second"));
  t.dispatchEvent(new Event("x"));
  removeEventListener("error", onError);
  assertEquals(seen.length, 3);
  assert(seen[0] instanceof RangeError);
  assertEquals(seen.slice(1), ["Uncaught RangeError: boom", "second"]);
});

Deno.test("the event classes carry their init dictionaries", () => {
  const c = new CustomEvent("c", { detail: { a: 1 } });
  assertEquals([c.detail, new CustomEvent("d").detail], [{ a: 1 }, null]);
  const err = new Error("x");
  const e = new ErrorEvent("error", { message: "m", filename: "f.ts", lineno: 3, colno: 4, error: err });
  assertEquals([e.message, e.filename, e.lineno, e.colno, e.error === err], ["m", "f.ts", 3, 4, true]);
  const m = new MessageEvent("message", { data: [1], origin: "o", lastEventId: "7" });
  assertEquals([m.data, m.origin, m.lastEventId, m.source, m.ports], [[1], "o", "7", null, []]);
  const close = new CloseEvent("close", { wasClean: true, code: 1000, reason: "bye" });
  assertEquals([close.wasClean, close.code, close.reason], [true, 1000, "bye"]);
  const p = new ProgressEvent("progress", { lengthComputable: true, loaded: 5, total: 10 });
  assertEquals([p.lengthComputable, p.loaded, p.total], [true, 5, 10]);
  assert(c instanceof Event && e instanceof Event && m instanceof Event && close instanceof Event && p instanceof Event);
});

Deno.test("events print as Deno prints them", () => {
  const text = Deno.inspect(new CustomEvent("y", { detail: 42 }));
  assert(text.startsWith("CustomEvent {\n  bubbles: false,"), text);
  assert(text.includes('  type: "y",\n  detail: 42\n}'), text);
});

Deno.test("the global object is an EventTarget, with window and self", () => {
  assert(globalThis instanceof EventTarget);
  assert(window === globalThis && self === globalThis);
  let got: Event | null = null;
  const f = (e: Event) => (got = e);
  addEventListener("custom", f);
  dispatchEvent(new Event("custom"));
  removeEventListener("custom", f);
  assert(got !== null && (got as Event).target === globalThis);
});

Deno.test("DOMException: names, legacy codes, and an Error", () => {
  const e = new DOMException("bad", "InvalidCharacterError");
  assertEquals([e.name, e.message, e.code, e instanceof Error, String(e)], ["InvalidCharacterError", "bad", 5, true, "InvalidCharacterError: bad"]);
  assertEquals([new DOMException().name, new DOMException("m").code, new DOMException("m", "NewName").code], ["Error", 0, 0]);
  assertEquals([DOMException.ABORT_ERR, DOMException.DATA_CLONE_ERR, e.NOT_FOUND_ERR], [20, 25, 8]);
  assert((e.stack ?? "").startsWith("InvalidCharacterError: bad\n"), e.stack);
});

// No target of the runtime has a parent (as in Deno), so the capture and bubble phases
// are tested on the userland's own events.ts loaded as a module, with parents set
// through its internal key.
Deno.test("capture, target and bubble phases along a parent chain", async () => {
  const events = await import("../../../js/web/events.ts");
  const { EventTarget: Target, Event: Ev, kParent } = events;
  const withParent = (parent: EventTarget | null) => {
    const t = new Target();
    Object.defineProperty(t, kParent, { value: () => parent });
    return t;
  };
  const root = withParent(null);
  const middle = withParent(root);
  const leaf = withParent(middle);
  const names = new Map<EventTarget, string>([[root, "root"], [middle, "middle"], [leaf, "leaf"]]);
  const seen: string[] = [];
  for (const t of [root, middle, leaf]) {
    for (const capture of [true, false]) {
      t.addEventListener("x", (e: Event) => {
        const path = e.composedPath().map((p) => names.get(p)).join(">");
        seen.push(`${names.get(e.currentTarget!)}:${capture ? "capture" : "bubble"}:${e.eventPhase}:${path}`);
      }, capture);
    }
  }
  leaf.dispatchEvent(new Ev("x", { bubbles: true }));
  assertEquals(seen, [
    "root:capture:1:leaf>middle>root",
    "middle:capture:1:leaf>middle>root",
    "leaf:capture:2:leaf>middle>root",
    "leaf:bubble:2:leaf>middle>root",
    "middle:bubble:3:leaf>middle>root",
    "root:bubble:3:leaf>middle>root",
  ]);

  // Without `bubbles` the event still goes down through the capture phase, not up.
  seen.length = 0;
  leaf.dispatchEvent(new Ev("x"));
  assertEquals(seen.map((s) => s.split(":").slice(0, 2).join(":")), ["root:capture", "middle:capture", "leaf:capture", "leaf:bubble"]);

  // stopPropagation in a capture listener ends the dispatch at that target.
  seen.length = 0;
  const stop = (e: Event) => e.stopPropagation();
  middle.addEventListener("x", stop, true);
  const e = new Ev("x", { bubbles: true });
  leaf.dispatchEvent(e);
  assertEquals(seen.map((s) => s.split(":").slice(0, 2).join(":")), ["root:capture", "middle:capture"]);
  assertEquals([e.eventPhase, e.currentTarget, e.target === leaf, e.composedPath()], [0, null, true, []]);
  middle.removeEventListener("x", stop, true);

  // A bubbling event canceled by an ancestor reports it to the dispatcher.
  root.addEventListener("c", (e: Event) => e.preventDefault());
  assertEquals(leaf.dispatchEvent(new Ev("c", { bubbles: true, cancelable: true })), false);
  assertEquals(leaf.dispatchEvent(new Ev("c", { bubbles: false, cancelable: true })), true);
});
