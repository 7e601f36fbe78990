// Thrown values that are not Errors print as Deno prints them; one that cannot even
// be inspected (a revoked Proxy) prints as null, not as nothing.
const which = Deno.args[0];
if (which === "number") throw 42;
if (which === "object") throw { a: 1, b: [2] };
if (which === "string") throw "text";
const p = Proxy.revocable({}, {});
p.revoke();
throw p.proxy;
