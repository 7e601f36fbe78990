export const name = "odd?name";
if (import.meta.main) console.log("main:", decodeURIComponent(import.meta.url.split("/").pop()!));
