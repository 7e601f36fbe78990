// Reports which of read (of the directory it is sent) and env it may use, and what
// Deno.permissions() says it was granted.
onmessage = (e) => {
  const can = (f: () => unknown) => {
    try {
      f();
      return "yes";
    } catch (e) {
      return (e as Error).name;
    }
  };
  const granted = Object.entries(Deno.permissions()).filter(([, v]) => v !== false).map(([k]) => k);
  postMessage(`read ${can(() => Deno.readDirSync(e.data as string))}, env ${can(() => Deno.env.get("HOME"))}, granted [${granted}]`);
};
