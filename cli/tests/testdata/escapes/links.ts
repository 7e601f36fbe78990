// Escapes through links, run from DIR with --allow-read=DIR --allow-write=DIR: writes
// through a dangling link (made before the run, or by the script), `link/.` and
// `link/` naming the directory outside. Prints what each attempt got.
const outcome = (f: () => unknown) => {
  try {
    f();
    return "done";
  } catch (e) {
    return (e as Error).name;
  }
};
Deno.symlinkSync("../outside/made-by-script", "planted");
for (const link of ["dangling", "planted"]) {
  console.log(`writeFile ${link}:`, outcome(() => Deno.writeTextFileSync(link, "pwned")));
  console.log(`open create ${link}:`, outcome(() => Deno.openSync(link, { write: true, create: true })));
  console.log(`open append ${link}:`, outcome(() => Deno.openSync(link, { append: true, create: true })));
  console.log(`copyFile to ${link}:`, outcome(() => Deno.copyFileSync("inside.txt", link)));
}
for (const path of ["link/.", "link/", "link/x/..", "./link/./"]) {
  console.log(`remove ${path}:`, outcome(() => Deno.removeSync(path, { recursive: true })));
  console.log(`lstat ${path}:`, outcome(() => Deno.lstatSync(path)));
}
// What stays allowed: the link itself, and a link that stays inside.
console.log("lstat link:", Deno.lstatSync("link").isSymlink);
Deno.symlinkSync("sub", "inner");
Deno.writeTextFileSync("inner/through.txt", "ok");
console.log("write through an inner link:", Deno.readTextFileSync("sub/through.txt"));
Deno.symlinkSync(Deno.realPathSync("sub"), "inner-absolute");
console.log("read through an absolute inner link:", Deno.readTextFileSync("inner-absolute/through.txt"));
Deno.removeSync("inner/", { recursive: true });
console.log("remove inner/ removed sub:", outcome(() => Deno.statSync("sub")));
