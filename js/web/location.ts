//! `location` (HTML's Location, read-only as in Deno): the URL given with
//! `--location`; without it, reading `location` is a ReferenceError that says so.
import { DOMException } from "./dom_exception.ts";
import { fieldsOf } from "./inspect.ts";
import { URL } from "./url.ts";

const illegal = Symbol("illegal constructor");

export class Location {
  readonly #url: URL;

  constructor(href: string, key?: symbol) {
    if (key !== illegal) throw new TypeError("Illegal constructor");
    this.#url = new URL(href);
  }

  get href(): string {
    return this.#url.href;
  }
  get origin(): string {
    return this.#url.origin;
  }
  get protocol(): string {
    return this.#url.protocol;
  }
  get host(): string {
    return this.#url.host;
  }
  get hostname(): string {
    return this.#url.hostname;
  }
  get port(): string {
    return this.#url.port;
  }
  get pathname(): string {
    return this.#url.pathname;
  }
  get search(): string {
    return this.#url.search;
  }
  get hash(): string {
    return this.#url.hash;
  }
  get ancestorOrigins(): string[] {
    return [];
  }

  /** Navigation: there is no document to navigate. */
  assign(_url: string): void {
    throw new DOMException("Cannot call \"location.assign()\".", "NotSupportedError");
  }
  replace(_url: string): void {
    throw new DOMException("Cannot call \"location.replace()\".", "NotSupportedError");
  }
  reload(): void {
    throw new DOMException("Cannot call \"location.reload()\".", "NotSupportedError");
  }

  toString(): string {
    return this.#url.href;
  }

  [fieldsOf](): Record<string, unknown> {
    const { href, origin, protocol, host, hostname, port, pathname, hash, search } = this;
    return { hash, host, hostname, href, origin, pathname, port, protocol, search };
  }
}

/** Defines the `location` global: `href`'s Location, or a getter that says to give one. */
export function defineLocation(href: string | null): void {
  const location = href === null ? null : new Location(href, illegal);
  Object.defineProperty(globalThis, "location", {
    get() {
      if (location === null) throw new ReferenceError('Access to "location", run again with --location <href>.');
      return location;
    },
    configurable: true,
    enumerable: true,
  });
}
