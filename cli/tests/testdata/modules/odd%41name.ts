export const name = "odd%41name";
if (import.meta.main) console.log("main:", decodeURIComponent(import.meta.url.split("/").pop()!));
