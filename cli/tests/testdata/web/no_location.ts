// Without --location, reading `location` says how to give one.
console.log("location" in globalThis);
console.log(location.href);
